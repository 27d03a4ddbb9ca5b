package io.agentbus.microgrid;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.cluster.Node;
import io.agentbus.testing.LocalCluster;

import java.util.Arrays;

/**
 * A second JVM hosting market agents (no driver). Arguments: namespace, port, members. Prints
 * {@code READY <nodeId>} once its agent types are registered.
 */
public final class MarketWorkerMain {

  private MarketWorkerMain() {
  }

  public static void main(String[] args) throws Exception {
    Node node = Node.start(LocalCluster.options(args[0], Integer.parseInt(args[1]), Arrays.asList(args[2].split(",")))
        .setNodeName("worker")).toCompletionStage().toCompletableFuture().get();
    AgentRuntime rt = AgentRuntime.create(node, new AgentRuntimeOptions()).toCompletionStage().toCompletableFuture().get();
    io.agentbus.broker.MessageBroker broker = io.agentbus.broker.MessageBroker.eventBus(node.vertx(),
        new io.agentbus.broker.BrokerOptions()).toCompletionStage().toCompletableFuture().get();
    MicrogridMarketEnv.registerAgents(rt, broker, MicrogridPolicy.ruleBased()).toCompletionStage().toCompletableFuture().get();
    System.out.println("READY " + node.id());
    System.out.flush();
    Thread.currentThread().join();
  }
}
