package io.agentbus.agent;

import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;

import java.util.List;
import java.util.Map;

import static io.agentbus.testing.Await.await;

/**
 * The runtime contract on the embedded node (the default of the node jar): one Vert.x, not
 * clustered, labelled like the contract's node 2. Every test runs; those that need an agent on
 * another node are skipped, saying so.
 */
class EmbeddedAgentRuntimeTest extends AgentRuntimeContract {

  private Node node;

  @Override
  protected List<Node> startNodes() {
    node = await(Node.start(new NodeOptions().setNodeName("embedded").setLabels(Map.of("gpu", "yes"))));
    return List.of(node);
  }

  @Override
  protected void stopNodes() {
    await(node.close());  // closes its Vert.x too
  }
}
