package io.agentbus.testing;

import io.agentbus.broker.BrokerOptions;
import io.agentbus.broker.MessageBroker;
import io.agentbus.channel.Channel;
import io.agentbus.cluster.Node;
import io.agentbus.message.Message;
import io.agentbus.message.MessageType;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.List;

/**
 * A cluster member in its own JVM, for multi-process tests. Arguments: namespace, Hazelcast port,
 * comma-separated members, name. It answers every ping broadcast by the driver with a pong stored
 * in the driver's results mailbox, prints {@code READY <nodeId>} once joined, and runs until
 * killed (SIGTERM leaves the cluster cleanly).
 */
public final class ClusterChildMain {

  /** The environment the multi-process tests use. */
  public static final String ENV = "mp";

  private ClusterChildMain() {
  }

  public static void main(String[] args) throws Exception {
    String namespace = args[0];
    int port = Integer.parseInt(args[1]);
    List<String> members = Arrays.asList(args[2].split(","));
    String name = args[3];
    Node node = Node.start(LocalCluster.options(namespace, port, members).setNodeName(name))
        .toCompletionStage().toCompletableFuture().get();
    MessageBroker broker = MessageBroker.eventBus(node.vertx(), new BrokerOptions())
        .toCompletionStage().toCompletableFuture().get();
    Channel pings = broker.channels().broadcast("driver", ENV);
    Channel pongs = broker.channels().results(ENV, "driver");
    broker.subscribe(pings, ping -> {
      Message pong = Message.builder().envId(ENV).senderId(name).recipientId("driver").type(MessageType.RESULT)
          .payload(new JsonObject().put("n", ping.payload().getInteger("n")).put("node", node.id())).build();
      broker.publish(pongs, pong).onFailure(e -> System.err.println("pong failed: " + e));
    }).toCompletionStage().toCompletableFuture().get();
    // every child keeps the mailbox of its own state channel
    broker.createChannel(broker.channels().info(name, "driver", ENV)).toCompletionStage().toCompletableFuture().get();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close().toCompletionStage().toCompletableFuture().get();
      } catch (Exception ignored) {
        // exiting anyway
      }
    }));
    System.out.println("READY " + node.id());
    System.out.flush();
    Thread.currentThread().join();
  }
}
