package io.agentbus.agent;

import io.agentbus.agent.TestAgents.Calculator;
import io.agentbus.agent.TestAgents.Slow;
import io.agentbus.agent.TestAgents.Sum;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

/** Closing a runtime lets in-flight messages finish, then refuses new ones. */
class GracefulCloseTest {

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
