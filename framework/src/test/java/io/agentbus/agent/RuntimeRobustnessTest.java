package io.agentbus.agent;

import io.agentbus.agent.TestAgents.Calculator;
import io.agentbus.agent.TestAgents.Hang;
import io.agentbus.agent.TestAgents.Sum;
import io.agentbus.cluster.MembershipEvent;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeInfo;
import io.agentbus.cluster.NodeOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** The runtime on the embedded node when its parts misbehave: it fails, it does not hang. */
class RuntimeRobustnessTest {

  /** A node whose membership registration throws: what any failure inside the runtime's start looks like. */
  private static Node failingMembership(Node real) {
    return new Node() {
      @Override public Vertx vertx() { return real.vertx(); }
      @Override public String id() { return real.id(); }
      @Override public String namespace() { return real.namespace(); }
      @Override public NodeInfo info() { return real.info(); }
      @Override public boolean isClustered() { return real.isClustered(); }
      @Override public Future<List<NodeInfo>> members() { return real.members(); }
      @Override public Set<String> memberIds() { return real.memberIds(); }
      @Override public List<NodeInfo> knownMembers() { return real.knownMembers(); }
      @Override public AutoCloseable onMembershipChange(Handler<MembershipEvent> handler) {
        throw new IllegalStateException("membership is broken");
      }
      @Override public boolean trusted(String nodeId) { return true; }
      @Override public int expectedMembers() { return 0; }
      @Override public boolean hasQuorum() { return true; }
      @Override public boolean inClusterView() { return true; }
      @Override public List<String> intruders() { return List.of(); }
      @Override public Future<Void> close() { return real.close(); }
    };
  }

  @Test
  void createFailsInsteadOfHangingWhenStartThrows() {
    Node node = await(Node.start(new NodeOptions()));
    try {
      Future<AgentRuntime> created = AgentRuntime.create(failingMembership(node), new AgentRuntimeOptions());
      until("create to complete", Duration.ofSeconds(5), created::isComplete);
      assertThat(awaitFailure(created)).hasMessageContaining("membership is broken");
    } finally {
      await(node.close());
    }
  }

  @Test
  void anAgentWhoseHandlerNeverCompletesStillGoesIdle() {
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions().setSendTimeoutMillis(300)));
      await(rt.register("stuck", id -> new Calculator(), RegistrationOptions.defaults().withIdleTimeout(Duration.ofMillis(200))));
      AgentId id = new AgentId("stuck", "k");
      Future<Sum> hanging = rt.send(new Hang(), id, null, Sum.class);
      until("the agent active", Duration.ofSeconds(5), () -> rt.localAgents().contains(id));
      assertThat(awaitFailure(hanging)).isInstanceOf(AgentTimeoutException.class);
      // its caller gave up: the handler that never completes no longer keeps the agent active
      until("the agent deactivated", Duration.ofSeconds(5), () -> !rt.localAgents().contains(id));
      await(rt.close());
    } finally {
      await(node.close());
    }
  }
}
