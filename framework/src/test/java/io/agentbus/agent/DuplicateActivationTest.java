package io.agentbus.agent;

import io.agentbus.agent.TestAgents.Calculator;
import io.agentbus.agent.TestAgents.Count;
import io.agentbus.agent.TestAgents.Increment;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.cluster.SharedMaps;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An activation whose agent was claimed by another node meanwhile (what a node finds after it
 * merges back from a partition) is a duplicate: its save is refused, it is counted and stopped, and
 * the claimer's state is the one that survives.
 */
class DuplicateActivationTest {

  @Test
  void aDuplicateActivationIsDiscardedAndTheClaimersStateSurvives() {
    Node node = await(Node.start(new NodeOptions()));
    try {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions().setMeterRegistry(meters)));
      await(rt.register("counter", id -> new Calculator(),
          RegistrationOptions.defaults().withCheckpoint(RegistrationOptions.Checkpoint.EVERY_MESSAGE)));
      AgentId id = new AgentId("counter", "c1");
      assertThat(await(rt.send(new Increment(5), id, null, Count.class))).isEqualTo(new Count(5));
      AsyncMap<String, JsonObject> states = await(SharedMaps.get(node.vertx(), "agentbus.default.agent-state"));
      assertThat(await(states.get(id.toString())).getString("node")).isEqualTo(node.id());

      // another node claims the agent with a state of its own
      await(states.put(id.toString(), new JsonObject().put("node", "other-node").put("state", new JsonObject().put("count", 100))));
      await(rt.send(new Increment(1), id, null, Count.class));

      assertThat(await(states.get(id.toString())).getJsonObject("state").getInteger("count"))
          .as("the duplicate's save refused: the claimer's state stays").isEqualTo(100);
      until("the duplicate counted and stopped", Duration.ofSeconds(5),
          () -> meters.counter("agentbus.agent.duplicates").count() == 1 && !rt.localAgents().contains(id));
      // the next message activates it again from the surviving state
      assertThat(await(rt.send(new Increment(1), id, null, Count.class))).isEqualTo(new Count(101));
    } finally {
      await(node.close());
    }
  }
}
