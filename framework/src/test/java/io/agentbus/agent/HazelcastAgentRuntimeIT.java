package io.agentbus.agent;

import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.testing.FreePorts;
import io.agentbus.testing.LocalCluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;

/** The runtime contract on a real 3-node Hazelcast cluster. */
class HazelcastAgentRuntimeIT extends AgentRuntimeContract {

  private final List<Node> nodes = new ArrayList<>();

  @Override
  protected List<Node> startNodes() {
    List<Integer> ports = FreePorts.pick(3);
    List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.toList());
    for (int i = 0; i < 3; i++) {
      NodeOptions o = LocalCluster.options("runtime_it", ports.get(i), members).setNodeName("node-" + i)
          .setLabels(i == 2 ? Map.of("gpu", "yes") : Map.of());
      nodes.add(await(Node.start(o)));
    }
    until("3 members", java.time.Duration.ofSeconds(30), () -> nodes.stream().allMatch(n -> n.knownMembers().size() == 3));
    return nodes;
  }

  @Override
  protected void stopNodes() {
    await(io.vertx.core.Future.join(nodes.stream().map(Node::close).collect(Collectors.toList())));
  }
}
