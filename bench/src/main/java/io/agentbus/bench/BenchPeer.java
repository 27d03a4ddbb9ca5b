package io.agentbus.bench;

import io.agentbus.broker.BrokerOptions;
import io.agentbus.broker.MessageBroker;
import io.agentbus.channel.Channel;
import io.agentbus.cluster.Node;
import io.agentbus.message.Message;
import io.agentbus.message.MessageType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumerOptions;
import io.vertx.core.json.JsonObject;


/**
 * The receiving side of the broker benchmarks: counts what it receives (raw and through the broker),
 * reports progress to the driver, echoes requests and answers pings. Runs inside the driver's JVM
 * (one-JVM runs) or as its own process (cluster runs: {@code BenchPeer namespace port members}).
 */
public final class BenchPeer extends VerticleBase {

  static final String RAW_SINK = "bench/raw/sink";
  static final String RAW_ECHO = "bench/raw/echo";
  static final String PROGRESS = "bench/progress";
  static final String RESET = "bench/reset";
  static final String ENV = "bench";
  static final int PROGRESS_EVERY = 500;

  private long count;
  private long target;

  @Override
  public Future<?> start() {
    vertx.eventBus().<JsonObject>consumer(RESET, m -> {
      count = 0;
      target = m.body().getLong("target");
      m.reply(null);
    });
    // the same consumer buffer as the broker's subscriptions, so neither side drops under the window
    vertx.eventBus().consumer(new MessageConsumerOptions().setAddress(RAW_SINK)
        .setMaxBufferedMessages(BrokerOptions.DEFAULT_CONSUMER_BUFFER_SIZE), m -> received());
    vertx.eventBus().consumer(RAW_ECHO, m -> m.reply(m.body()));
    return MessageBroker.eventBus(vertx, new BrokerOptions()).compose(broker -> {
      Channel sink = broker.channels().broadcast("driver", ENV);
      Channel ping = broker.channels().action("driver", "peer", ENV);
      Channel pong = broker.channels().info("peer", "driver", ENV);
      return Future.all(
          broker.subscribe(sink, m -> received()),
          broker.subscribe(ping, m -> broker.publish(pong, Message.builder().envId(ENV).senderId("peer")
              .recipientId("driver").type(MessageType.INFO).timestamp(m.timestamp()).payload(m.payload()).build())));
    });
  }

  private void received() {
    count++;
    if (count % PROGRESS_EVERY == 0 || count == target) {
      vertx.eventBus().send(PROGRESS, count);
    }
  }

  public static void main(String[] args) throws Exception {
    Node node = Node.start(BenchCluster.peerOptions(args)).toCompletionStage().toCompletableFuture().get();
    Vertx vertx = node.vertx();
    vertx.deployVerticle(new BenchPeer()).toCompletionStage().toCompletableFuture().get();
    System.out.println("READY " + node.id());
    System.out.flush();
    Thread.currentThread().join();
  }
}
