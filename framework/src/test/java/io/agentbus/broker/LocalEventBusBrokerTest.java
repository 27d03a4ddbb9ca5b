package io.agentbus.broker;

import io.agentbus.channel.Channel;
import io.agentbus.metrics.BrokerMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** The contract on {@link MessageBroker#eventBus} in one JVM, non-clustered: several brokers on one Vert.x. */
class LocalEventBusBrokerTest extends MessageBrokerContract {

  private Vertx vertx;

  @Override
  protected void startTopology() {
    vertx = Vertx.vertx();
  }

  @Override
  protected void stopTopology() {
    await(vertx.close());
  }

  @Override
  protected MessageBroker newBroker(int node, BrokerOptions options) {
    return await(MessageBroker.eventBus(vertx, options));
  }

  @Override
  protected int nodes() {
    return 3;
  }

  /**
   * A subscriber that falls more than its buffer behind loses the overflow, and every lost message
   * is counted, none is lost silently (the count goes through {@code ConsumerDrops}).
   */
  @Test
  void aSubscriberThatFallsBehindLosesOnlyTheOverflowAndEachLossIsCounted() throws Exception {
    BrokerOptions opts = new BrokerOptions().setConsumerBufferSize(5);
    MessageBroker broker = broker(0, opts);
    String env = newEnv();
    Channel ch = broker.channels().broadcast("coord", env);
    CountDownLatch stuck = new CountDownLatch(1);
    AtomicInteger received = new AtomicInteger();
    // a worker context, so that the stuck handler blocks a worker thread and not an event loop
    await(vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        return broker.subscribe(ch, m -> {
          received.incrementAndGet();
          try {
            stuck.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      }
    }, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)));

    int sent = 50;
    for (int i = 0; i < sent; i++) {
      await(broker.publish(ch, msg(env, "coord", "field", i)));
    }
    stuck.countDown();
    until("every message delivered or counted as dropped", Duration.ofSeconds(10),
        () -> received.get() + consumerOverflow(opts) == sent);
    // the handler holds one message, the buffer five more; what came on top of that was dropped
    assertThat(consumerOverflow(opts)).as("dropped").isGreaterThanOrEqualTo(sent - 1 - 5 - 1);
    assertThat(received.get()).as("received").isBetween(1, 1 + 5 + 1);
  }

  private static long consumerOverflow(BrokerOptions opts) {
    Counter c = opts.getMeterRegistry().find(BrokerMetrics.DROPPED).tag("reason", BrokerMetrics.REASON_CONSUMER_OVERFLOW).counter();
    return c == null ? 0 : (long) c.count();
  }
}
