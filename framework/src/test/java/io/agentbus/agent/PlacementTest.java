package io.agentbus.agent;

import io.agentbus.cluster.NodeInfo;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one placement function: rendezvous hashing, even or weighted, and what nodes must offer. */
class PlacementTest {

  private static Map<String, Integer> spread(List<String> nodes, Map<String, Integer> weights, int agents) {
    Map<String, Integer> count = new HashMap<>();
    for (int i = 0; i < agents; i++) {
      AgentId id = new AgentId("worker", "k" + i);
      String owner = weights == null ? Placement.owner(id, nodes) : Placement.owner(id, nodes, n -> true, n -> weights.get(n));
      count.merge(owner, 1, Integer::sum);
    }
    return count;
  }

  @Test
  void evenPlacementSpreadsAboutEqually() {
    Map<String, Integer> c = spread(List.of("a", "b", "c"), null, 3_000);
    assertThat(c.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1_150));
  }

  @Test
  void weightedPlacementGivesEachNodeItsShareOfTheAgents() {
    Map<String, Integer> c = spread(List.of("big", "small1", "small2"), Map.of("big", 8, "small1", 1, "small2", 1), 5_000);
    // expected 4,000 / 500 / 500
    assertThat(c.get("big")).isBetween(3_800, 4_200);
    assertThat(c.get("small1")).isBetween(400, 600);
    assertThat(c.get("small2")).isBetween(400, 600);
  }

  @Test
  void aWeightChangeMovesAgentsOnlyToOrFromTheNodeWhoseWeightChanged() {
    List<String> nodes = List.of("a", "b", "c");
    Map<String, Integer> before = Map.of("a", 1, "b", 1, "c", 1);
    Map<String, Integer> after = Map.of("a", 1, "b", 4, "c", 1);
    int moved = 0;
    for (int i = 0; i < 3_000; i++) {
      AgentId id = new AgentId("worker", "k" + i);
      String was = Placement.owner(id, nodes, n -> true, before::get);
      String now = Placement.owner(id, nodes, n -> true, after::get);
      if (!was.equals(now)) {
        moved++;
        assertThat(now).as("a node that grew only takes agents").isEqualTo("b");
      }
    }
    // b's share goes from 1/3 to 2/3: about a third of all agents move, all of them to b
    assertThat(moved).isBetween(850, 1_150);
  }

  @Test
  void ineligibleAndWeightlessCandidatesAreNeverChosen() {
    AgentId id = new AgentId("worker", "x");
    assertThat(Placement.owner(id, List.of("a", "b"), n -> !n.equals("a"), n -> 1)).isEqualTo("b");
    assertThat(Placement.owner(id, List.of("a", "b"), n -> true, n -> n.equals("a") ? 0 : 2)).isEqualTo("b");
    assertThat(Placement.owner(id, List.of("a"), n -> false, n -> 1)).isNull();
  }

  @Test
  void requirementsAreMetByWhatANodeAnnounces() {
    NodeInfo gpuNode = new NodeInfo("n1", "n1", "h", 4, 8L << 30, 1, Map.of(), 0);
    NodeInfo plain = new NodeInfo("n2", "n2", "h", 16, 1L << 30, 0, Map.of(), 0);
    NodeRequirements gpu = NodeRequirements.none().withMinGpus(1);
    NodeRequirements big = NodeRequirements.none().withMinCores(8).withMinMemoryBytes(1L << 30);
    assertThat(gpu.satisfiedBy(gpuNode)).isTrue();
    assertThat(gpu.satisfiedBy(plain)).isFalse();
    assertThat(big.satisfiedBy(plain)).isTrue();
    assertThat(big.satisfiedBy(gpuNode)).isFalse();
    assertThat(NodeRequirements.none().satisfiedBy(plain)).isTrue();
    assertThat(NodeRequirements.fromJson(big.toJson())).isEqualTo(big);
    assertThatThrownBy(() -> NodeRequirements.none().withMinGpus(-1)).hasMessageContaining("cannot be negative");
  }
}
