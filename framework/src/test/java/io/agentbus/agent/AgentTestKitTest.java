package io.agentbus.agent;

import io.agentbus.agent.TestAgents.Add;
import io.agentbus.agent.TestAgents.Calculator;
import io.agentbus.agent.TestAgents.Fail;
import io.agentbus.agent.TestAgents.MyAgent;
import io.agentbus.agent.TestAgents.MyMessage;
import io.agentbus.agent.TestAgents.Sum;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Agent logic tested synchronously, no Vert.x; the same classes run clustered in AgentRuntimeTest. */
class AgentTestKitTest {

  @Test
  void myAgentPublishesFiveRepliesAtMost() {
    AgentTestKit kit = AgentTestKit.of(new AgentId("worker1", "default"), new MyAgent("worker1"));
    for (int i = 0; i < 8; i++) {
      kit.publish(new MyMessage("Hello!"), TopicId.defaultTopic(), null);
    }
    assertThat(kit.published()).hasSize(5);
    assertThat(kit.published().get(4).message()).isEqualTo(new MyMessage("worker1: Hello x 5"));
    assertThat(kit.published()).allSatisfy(p -> assertThat(p.topic()).isEqualTo(TopicId.defaultTopic()));
  }

  @Test
  void rpcRepliesAndFailures() {
    AgentTestKit kit = AgentTestKit.of(new AgentId("calc", "k"), new Calculator());
    Sum s = kit.send(new Add(2, 3));
    assertThat(s).isEqualTo(new Sum(5));
    // a foreign runtime's JSON payload maps onto the record
    Sum fromJson = kit.send(new JsonPayload("Add", new JsonObject().put("a", 40).put("b", 2)));
    assertThat(fromJson.value()).isEqualTo(42);
    assertThatThrownBy(() -> kit.send(new Fail("no"))).hasMessageContaining("refused: no");
    assertThatThrownBy(() -> kit.send(new MyMessage("?"))).hasMessageContaining("does not handle message type 'MyMessage'");
  }
}
