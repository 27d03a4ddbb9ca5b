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

  @Test
  void aPublishedMessageKeepsItsAgentActiveWhileItsHandlerRunsAndNotForeverWhenItHangs() {
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions().setSendTimeoutMillis(300)));
      await(rt.register("stuck", id -> new Calculator(), RegistrationOptions.defaults().withIdleTimeout(Duration.ofMillis(200))));
      await(rt.addSubscription(new TypeSubscription("jobs", "stuck")));
      AgentId id = new AgentId("stuck", "k");
      // active already (a message to an agent still starting waits with the requests)
      rt.payloadTypes().register(Sum.class);
      assertThat(await(rt.send(new TestAgents.Add(1, 2), id, null, Sum.class))).isEqualTo(new Sum(3));
      // one way: nobody waits for the handler, which never completes
      long published = System.nanoTime();
      await(rt.publish(new Hang(), new TopicId("jobs", "k"), null));
      until("the agent active", Duration.ofSeconds(5), () -> rt.localAgents().contains(id));
      until("the agent deactivated", Duration.ofSeconds(5), () -> !rt.localAgents().contains(id));
      // it counted as busy past its idle timeout (200 ms), for as long as a caller could have
      // waited (the send timeout, 300 ms) plus the grace (1 s): at least 1.3 s after the publish
      assertThat(Duration.ofNanos(System.nanoTime() - published)).isGreaterThan(Duration.ofMillis(1_200));
      await(rt.close());
    } finally {
      await(node.close());
    }
  }

  @Test
  void anAgentOutlivesTheVerticleThatFirstMessagedIt() {
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions().setSendTimeoutMillis(2_000)));
      await(rt.register("counter", id -> new Calculator()));
      AgentId id = new AgentId("counter", "k");
      // a verticle of the application activates the agent from its own context, then goes away
      String caller = await(node.vertx().deployVerticle(new io.vertx.core.VerticleBase() {
        @Override
        public Future<?> start() {
          return rt.send(new TestAgents.Increment(1), id, null, TestAgents.Count.class);
        }
      }));
      int deployments = node.vertx().deploymentIDs().size();
      await(node.vertx().undeploy(caller));
      // the agent is the runtime's, not the caller's: still active (its verticle too), its state intact
      assertThat(node.vertx().deploymentIDs()).hasSize(deployments - 1);
      assertThat(rt.localAgents()).contains(id);
      assertThat(await(rt.send(new TestAgents.Increment(1), id, null, TestAgents.Count.class)).value()).isEqualTo(2);
      await(rt.close());
    } finally {
      await(node.close());
    }
  }

  /** Forwards every Increment to the agent ("counter", "k") and answers with its Count. */
  static final class Forwarder extends Agent {
    @Override
    public Handlers handlers() {
      return Handlers.builder().onRequestAsync(TestAgents.Increment.class, (m, ctx) ->
          context().send(m, new AgentId("counter", "k"), TestAgents.Count.class)).build();
    }
  }

  @Test
  void anAgentOutlivesTheAgentThatActivatedIt() {
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions().setSendTimeoutMillis(2_000)));
      await(rt.register("counter", id -> new Calculator()));
      await(rt.register("forwarder", id -> new Forwarder(), RegistrationOptions.defaults().withIdleTimeout(Duration.ofMillis(300))));
      AgentId forwarder = new AgentId("forwarder", "f");
      AgentId counter = new AgentId("counter", "k");
      // the counter is activated by a message from the forwarder, on the forwarder's context
      assertThat(await(rt.send(new TestAgents.Increment(1), forwarder, null, TestAgents.Count.class)).value()).isEqualTo(1);
      int deployments = node.vertx().deploymentIDs().size();
      until("the forwarder idle and deactivated", Duration.ofSeconds(5), () -> !rt.localAgents().contains(forwarder));
      until("the forwarder's verticle undeployed", Duration.ofSeconds(5), () -> node.vertx().deploymentIDs().size() < deployments);
      io.agentbus.testing.Await.sleep(200);
      assertThat(node.vertx().deploymentIDs()).as("only the forwarder's verticle went, not the counter's it activated")
          .hasSize(deployments - 1);
      // the counter is the runtime's, not the forwarder's: still active, its count intact
      assertThat(rt.localAgents()).contains(counter);
      assertThat(await(rt.send(new TestAgents.Increment(1), counter, null, TestAgents.Count.class)).value()).isEqualTo(2);
      await(rt.close());
    } finally {
      await(node.close());
    }
  }

  @Test
  void aTypeNoNodeIsFitForFailsAtOnceSayingWhy() {
    Node node = await(Node.start(new NodeOptions().setGpus(0)));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
      await(rt.register("vision", id -> new Calculator(),
          RegistrationOptions.defaults().withRequirements(NodeRequirements.none().withMinGpus(1))));
      assertThat(awaitFailure(rt.send(new TestAgents.Add(1, 2), new AgentId("vision", "cam"), null, Sum.class)))
          .isInstanceOf(AgentRpcException.class).hasMessageContaining("no live node may host agent type 'vision'")
          .hasMessageContaining("node requirements");
      assertThat(rt.localAgents()).isEmpty();
      await(rt.close());
    } finally {
      await(node.close());
    }
  }
}
