package io.agentbus.agent;

import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** Each active agent's traffic: what it received, what it sent and published, when it was last active. */
class AgentStatsTest {

  record Ping(int n) {
  }

  record Pong(int n) {
  }

  record Note(int n) {
  }

  @Test
  void eachAgentCountsWhatItReceivesAndWhatItSends() {
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
      await(rt.register("talker", id -> new Agent() {
        @Override
        public Handlers handlers() {
          return Handlers.builder().onRequest(Ping.class, (p, ctx) -> {
            context().publish(new Note(p.n()), new TopicId("notes", "k"));
            context().publish(new Note(-p.n()), new TopicId("notes", "k"));
            return new Pong(p.n());
          }).build();
        }
      }));
      await(rt.register("listener", id -> new Agent() {
        @Override
        public Handlers handlers() {
          return Handlers.builder().on(Note.class, (n, ctx) -> { }).build();
        }
      }));
      await(rt.addSubscription(new TypeSubscription("notes", "listener")));
      long before = System.currentTimeMillis();
      for (int i = 0; i < 3; i++) {
        await(rt.send(new Ping(i), new AgentId("talker", "a"), null, Pong.class));
      }
      AgentId listener = new AgentId("listener", "k");
      until("six notes heard", java.time.Duration.ofSeconds(5), () -> stats(rt).containsKey(listener)
          && stats(rt).get(listener).messagesIn() == 6);
      Map<AgentId, AgentStats> s = stats(rt);
      AgentStats talker = s.get(new AgentId("talker", "a"));
      assertThat(talker.messagesIn()).isEqualTo(3);
      assertThat(talker.messagesOut()).isEqualTo(6);
      assertThat(talker.lastActivityMillis()).isGreaterThanOrEqualTo(before);
      assertThat(s.get(listener).messagesOut()).isZero();
      assertThat(s.keySet()).containsExactlyInAnyOrderElementsOf(rt.localAgents());
      await(rt.close());
    } finally {
      await(node.close());
    }
  }

  private static Map<AgentId, AgentStats> stats(AgentRuntime rt) {
    List<AgentStats> all = rt.localAgentStats();
    return all.stream().collect(Collectors.toMap(AgentStats::id, a -> a));
  }
}
