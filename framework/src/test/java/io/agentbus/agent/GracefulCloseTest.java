package io.agentbus.agent;

import io.agentbus.agent.TestAgents.Calculator;
import io.agentbus.agent.TestAgents.Slow;
import io.agentbus.agent.TestAgents.Sum;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.agent.TestAgents.Count;
import io.agentbus.agent.TestAgents.Increment;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.test.fakecluster.FakeClusterManager;
import org.junit.jupiter.api.Test;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

/** Closing a runtime lets in-flight messages finish, then refuses new ones. */
class GracefulCloseTest {

  @Test
  void closeCompletesOnlyOnceItsAgentsHaveStoppedAndSavedTheirStateForTheirNewOwner() {
    java.util.List<Vertx> vertxes = new java.util.ArrayList<>();
    java.util.List<AgentRuntime> rts = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Vertx v = await(Vertx.builder().withClusterManager(new FakeClusterManager()).buildClustered());
        vertxes.add(v);
        AgentRuntime rt = await(AgentRuntime.create(await(Node.attach(v, new NodeOptions().setNodeName("n" + i))),
            new AgentRuntimeOptions()));
        // slow to stop: the state is saved 300 ms after the agent is told to stop
        await(rt.register("acc", id -> new Calculator(300)));
        rts.add(rt);
      }
      AgentId onLeaving = TestAgents.hostedOn(rts.get(0), "acc", rts.get(1).node().id());
      assertThat(await(rts.get(0).send(new Increment(7), onLeaving, null, Count.class)).value()).isEqualTo(7);
      await(rts.get(1).close());
      assertThat(await(rts.get(0).send(new Increment(1), onLeaving, null, Count.class)).value()).isEqualTo(8);
    } finally {
      rts.forEach(r -> await(r.close()));
      vertxes.forEach(v -> await(v.close()));
      FakeClusterManager.reset();
    }
  }

  @Test
  void inFlightRpcsCompleteBeforeCloseDoes() {
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
      await(rt.register("slow", id -> new Calculator()));
      Future<Sum> inFlight = rt.send(new Slow(500), new AgentId("slow", "k"), null, Sum.class);
      io.agentbus.testing.Await.sleep(100);
      Future<Void> closing = rt.close();
      assertThat(await(inFlight)).isEqualTo(new Sum(500));
      await(closing);
      assertThat(inFlight.isComplete()).isTrue();
      assertThat(awaitFailure(rt.send(new Slow(1), new AgentId("slow", "k"), null))).hasMessageContaining("closed");
    } finally {
      await(node.close());
    }
  }
}
