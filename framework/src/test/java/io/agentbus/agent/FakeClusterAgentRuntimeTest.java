package io.agentbus.agent;

import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.vertx.core.Vertx;
import io.vertx.test.fakecluster.FakeClusterManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;

/** The runtime contract on three Vert.x instances joined by the in-JVM fake cluster manager. */
class FakeClusterAgentRuntimeTest extends AgentRuntimeContract {

  private final List<Node> nodes = new ArrayList<>();
  private final List<Vertx> vertxes = new ArrayList<>();

  @Override
  protected List<Node> startNodes() {
    for (int i = 0; i < 3; i++) {
      Vertx v = await(Vertx.builder().withClusterManager(new FakeClusterManager()).buildClustered());
      vertxes.add(v);
      NodeOptions o = new NodeOptions().setNodeName("node-" + i).setLabels(i == 2 ? Map.of("gpu", "yes") : Map.of());
      nodes.add(await(Node.attach(v, o)));
    }
    until("3 members", java.time.Duration.ofSeconds(10), () -> nodes.stream().allMatch(n -> n.knownMembers().size() == 3));
    return nodes;
  }

  @Override
  protected void stopNodes() {
    nodes.forEach(n -> await(n.close()));
    vertxes.forEach(v -> await(v.close()));
    FakeClusterManager.reset();
  }
}
