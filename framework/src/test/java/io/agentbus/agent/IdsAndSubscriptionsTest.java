package io.agentbus.agent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdsAndSubscriptionsTest {

  @Test
  void agentIdsFollowAutoGensRules() {
    assertThat(new AgentId("code_reviewer", "default").toString()).isEqualTo("code_reviewer/default");
    assertThat(new AgentId("a.b-c", "any key: with / slashes ~").key()).contains("/");
    assertThatThrownBy(() -> new AgentId("bad type", "k")).hasMessageContaining("invalid agent type");
    assertThatThrownBy(() -> new AgentId("a/b", "k")).hasMessageContaining("invalid agent type");
    assertThatThrownBy(() -> new AgentId("t", "tab\there")).hasMessageContaining("printable ASCII");
    assertThatThrownBy(() -> new AgentId("t", "")).hasMessageContaining("length");
    assertThat(AgentId.parse("t/k/more")).isEqualTo(new AgentId("t", "k/more"));
  }

  @Test
  void topicTypesAllowColonAndEquals() {
    assertThat(new TopicId("MyAgent:", "x").type()).isEqualTo("MyAgent:");
    assertThat(new TopicId("a=b", "").source()).isEmpty();
    assertThatThrownBy(() -> new TopicId("a b", "s")).hasMessageContaining("invalid topic type");
    assertThat(TopicId.defaultTopic()).isEqualTo(new TopicId("default", "default"));
  }

  @Test
  void typeSubscriptionMatchesExactTypeAndMapsSourceToKey() {
    TypeSubscription s = new TypeSubscription("news", "reader");
    assertThat(s.matches(new TopicId("news", "s1"))).isTrue();
    assertThat(s.matches(new TopicId("news2", "s1"))).isFalse();
    assertThat(s.mapToAgent(new TopicId("news", "s1"))).isEqualTo(new AgentId("reader", "s1"));
    assertThatThrownBy(() -> s.mapToAgent(new TopicId("other", "x"))).hasMessageContaining("does not match");
  }

  @Test
  void prefixSubscriptionMatchesPrefixes() {
    TypePrefixSubscription s = new TypePrefixSubscription("MyAgent:", "MyAgent");
    assertThat(s.matches(new TopicId("MyAgent:", "k"))).isTrue();
    assertThat(s.matches(new TopicId("MyAgent:rpc", "k"))).isTrue();
    assertThat(s.matches(new TopicId("MyAgent", "k"))).isFalse();
    assertThat(s.mapToAgent(new TopicId("MyAgent:x", "k"))).isEqualTo(new AgentId("MyAgent", "k"));
  }

  @Test
  void equalityIsByIdOrByMapping() {
    TypeSubscription a = new TypeSubscription("t", "A", "id1");
    assertThat(a.sameAs(new TypeSubscription("t", "A", "id2"))).isTrue();
    assertThat(a.sameAs(new TypeSubscription("u", "B", "id1"))).isTrue();
    assertThat(a.sameAs(new TypeSubscription("u", "A", "id3"))).isFalse();
    assertThat(a.sameAs(new TypePrefixSubscription("t", "A", "id4"))).isFalse();
  }

  @Test
  void handlersRefuseTwoHandlersForOneType() {
    assertThatThrownBy(() -> Handlers.builder().on(TestAgents.MyMessage.class, (m, c) -> { })
        .on(TestAgents.MyMessage.class, (m, c) -> { })).hasMessageContaining("two handlers");
  }

  @Test
  void placementIsDeterministicAndSpreads() {
    List<String> nodes = List.of("n1", "n2", "n3");
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      AgentId id = new AgentId("t", "k" + i);
      String o = Placement.owner(id, nodes);
      assertThat(Placement.owner(id, new ArrayList<>(List.of("n3", "n1", "n2")))).isEqualTo(o);
      counts.merge(o, 1, Integer::sum);
    }
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(800, 1200));
    // removing a node only moves that node's agents
    for (int i = 0; i < 300; i++) {
      AgentId id = new AgentId("t", "k" + i);
      String before = Placement.owner(id, nodes);
      String after = Placement.owner(id, List.of("n1", "n2"));
      if (!before.equals("n3")) {
        assertThat(after).isEqualTo(before);
      }
    }
  }
}
