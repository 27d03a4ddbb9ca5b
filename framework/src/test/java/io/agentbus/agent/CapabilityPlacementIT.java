package io.agentbus.agent;

import io.agentbus.agent.TestAgents.Calculator;
import io.agentbus.agent.TestAgents.Here;
import io.agentbus.agent.TestAgents.WhereAreYou;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.testing.FreePorts;
import io.agentbus.testing.LocalCluster;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Placement by what nodes announce, on a real 3-node Hazelcast cluster with declared (fake)
 * capabilities: node 0 has 8 cores, nodes 1 and 2 one core each, only node 2 a GPU. A type that
 * needs a GPU lives where one is; a type weighted by cores goes mostly to the big node; when a node
 * announces new capabilities, the agents whose owner changed move there.
 */
class CapabilityPlacementIT {

  private static final List<Node> nodes = new ArrayList<>();
  private static final List<AgentRuntime> runtimes = new ArrayList<>();
  private static final NodeRequirements GPU = NodeRequirements.none().withMinGpus(1);

  @BeforeAll
  static void start() {
    List<Integer> ports = FreePorts.pick(3);
    List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.toList());
    int[] cores = {8, 1, 1};
    int[] gpus = {0, 0, 1};
    for (int i = 0; i < 3; i++) {
      NodeOptions o = LocalCluster.options("capabilities_it", ports.get(i), members).setNodeName("node-" + i)
          .setCores(cores[i]).setGpus(gpus[i]);
      nodes.add(await(Node.start(o)));
    }
    until("3 members", Duration.ofSeconds(30), () -> nodes.stream().allMatch(n -> n.knownMembers().size() == 3));
    for (Node n : nodes) {
      AgentRuntime rt = await(AgentRuntime.create(n, new AgentRuntimeOptions().setSendTimeoutMillis(5_000)));
      await(rt.register("vision", id -> new Calculator(), RegistrationOptions.defaults().withRequirements(GPU)));
      await(rt.register("worker", id -> new Calculator(), RegistrationOptions.defaults().withWeightedByCores(true)));
      runtimes.add(rt);
    }
  }

  @AfterAll
  static void stop() {
    await(Future.join(runtimes.stream().map(AgentRuntime::close).collect(Collectors.toList())));
    await(Future.join(nodes.stream().map(Node::close).collect(Collectors.toList())));
  }

  private static String id(int i) {
    return nodes.get(i).id();
  }

  private static String whereIs(AgentId agent) {
    return await(runtimes.get(0).send(new WhereAreYou(), agent, null, Here.class)).node();
  }

  @Test
  void placementFollowsWhatNodesAnnounce() {
    List<AgentId> vision = new ArrayList<>();
    List<AgentId> workers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      vision.add(new AgentId("vision", "camera-" + i));
    }
    for (int i = 0; i < 60; i++) {
      workers.add(new AgentId("worker", "job-" + i));
    }
    // only node 2 has a GPU: every vision agent lives there
    until("the registrations of all nodes everywhere", Duration.ofSeconds(30), () -> vision.stream().allMatch(a -> whereIs(a).equals(id(2))));

    // workers by cores: each where the weighted placement puts it, most of them on the 8-core node
    Map<String, Integer> weights = Map.of(id(0), 8, id(1), 1, id(2), 1);
    List<String> all = List.of(id(0), id(1), id(2));
    int onBig = 0;
    for (AgentId w : workers) {
      String expected = Placement.owner(w, all, n -> true, weights::get);
      assertThat(whereIs(w)).as(w.toString()).isEqualTo(expected);
      onBig += expected.equals(id(0)) ? 1 : 0;
    }
    assertThat(onBig).as("workers on the 8-core node (80 %% expected)").isGreaterThanOrEqualTo(40);

    // node 1 gets a GPU and says so: the vision agents that now belong to it move there, the others stay
    await(nodes.get(1).announceCapabilities(1, 1, Map.of()));
    List<String> gpuNodes = List.of(id(1), id(2));
    until("the vision agents spread over both GPU nodes", Duration.ofSeconds(30), () -> vision.stream()
        .allMatch(a -> whereIs(a).equals(Placement.owner(a, gpuNodes))));
    assertThat(vision.stream().filter(a -> whereIs(a).equals(id(1))).count()).as("some moved to node 1").isPositive();

    // node 2 loses its GPU: every vision agent is on node 1 now; the workers did not move at all
    await(nodes.get(2).announceCapabilities(1, 0, Map.of()));
    until("the vision agents all on node 1", Duration.ofSeconds(30), () -> vision.stream().allMatch(a -> whereIs(a).equals(id(1))));
    for (AgentId w : workers) {
      assertThat(whereIs(w)).as(w.toString()).isEqualTo(Placement.owner(w, all, n -> true, weights::get));
    }
    assertThat(nodes.get(0).knownMembers().stream().filter(i -> i.id().equals(id(1))).findFirst().orElseThrow().gpus())
        .as("node 0 sees node 1's new GPU").isEqualTo(1);
  }
}
