package io.agentbus.heron;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.broker.BrokerOptions;
import io.agentbus.broker.MessageBroker;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.agentbus.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One agent model: a HERON proxy registered as a type on the agent runtime is activated on demand,
 * stepped by a runtime request, talks on the broker's channels, and keeps its state across a
 * deactivation.
 */
class HeronOnRuntimeTest {

  /** The runtime request that steps a proxy (the environment's clock). */
  public record Step(int n) {
  }

  /** What the proxy answers: how many actions it sent upstream, and its running count. */
  public record Stepped(int sent, int total) {
  }

  /** A counting proxy hosted by the runtime: its HERON id is its key. */
  static final class CountingProxy extends ProxyAgent {
    private final MessageBroker broker;
    private int total;

    CountingProxy(AgentId id, MessageBroker broker) {
      super(id.key(), obs -> new JsonObject().put("double", 2 * obs.getInteger("v")), "coord", "env_r");
      this.broker = broker;
    }

    @Override
    public io.vertx.core.Future<Void> onStart() {
      return setMessageBroker(broker);
    }

    @Override
    public Handlers handlers() {
      return Handlers.builder().onRequestAsync(Step.class, (s, ctx) -> stepDistributed().map(out -> {
        total += out.size();
        return new Stepped(out.size(), total);
      })).build();
    }

    @Override
    public JsonObject saveState() {
      return new JsonObject().put("total", total);
    }

    @Override
    public void loadState(JsonObject state) {
      total = state.getInteger("total");
    }
  }

  @Test
  void aProxyOnTheRuntimeIsSteppedByARequestAndTalksOnChannels() {
    Node node = await(Node.start(new NodeOptions()));
    try {
      MessageBroker broker = await(MessageBroker.eventBus(node.vertx(), new BrokerOptions()));
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
      await(rt.register("counting_proxy", id -> new CountingProxy(id, broker),
          io.agentbus.agent.RegistrationOptions.defaults().withIdleTimeout(java.time.Duration.ofMillis(300))));
      SystemAgent coord = new SystemAgent("coord", "env_r", List.of("p1", "p2"));
      await(coord.setMessageBroker(broker));
      await(coord.broadcast(new JsonObject().put("v", 1)));
      await(coord.sendActionToSubordinate("p2", new JsonObject().put("v", 10)));
      Stepped p1 = await(rt.send(new Step(0), new AgentId("counting_proxy", "p1"), null, Stepped.class));
      Stepped p2 = await(rt.send(new Step(0), new AgentId("counting_proxy", "p2"), null, Stepped.class));
      assertThat(p1.sent()).isEqualTo(1);
      assertThat(p2.sent()).isEqualTo(2);
      Map<String, List<JsonObject>> info = await(coord.receiveSubordinateInfo());
      assertThat(info.get("p1")).extracting(j -> j.getInteger("double")).containsExactly(2);
      assertThat(info.get("p2")).extracting(j -> j.getInteger("double")).containsExactly(2, 20);
      // deactivated and activated again: the state came back, and the broadcast was not re-read
      // (a new activation forgets what it saw, so the coordinator retracts its broadcasts)
      await(coord.retractBroadcasts());
      io.agentbus.testing.Await.until("p1 idles out", java.time.Duration.ofSeconds(10),
          () -> !rt.localAgents().contains(new AgentId("counting_proxy", "p1")));
      await(coord.broadcast(new JsonObject().put("v", 3)));
      Stepped again = await(rt.send(new Step(1), new AgentId("counting_proxy", "p1"), null, Stepped.class));
      assertThat(again).isEqualTo(new Stepped(1, 2));
      await(rt.close());
      await(broker.close());
    } finally {
      await(node.close());
    }
  }
}
