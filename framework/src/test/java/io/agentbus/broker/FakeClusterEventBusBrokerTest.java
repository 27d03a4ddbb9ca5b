package io.agentbus.broker;

import io.vertx.core.Vertx;
import io.vertx.test.fakecluster.FakeClusterManager;

import java.util.ArrayList;
import java.util.List;

import static io.agentbus.testing.Await.await;

/** The contract on three clustered Vert.x instances with Vert.x's fast in-JVM fake cluster manager. */
class FakeClusterEventBusBrokerTest extends MessageBrokerContract {

  private final List<Vertx> nodes = new ArrayList<>();

  @Override
  protected void startTopology() {
    for (int i = 0; i < 3; i++) {
      nodes.add(await(Vertx.builder().withClusterManager(new FakeClusterManager()).buildClustered()));
    }
  }

  @Override
  protected void stopTopology() {
    nodes.forEach(v -> await(v.close()));
    FakeClusterManager.reset();
  }

  @Override
  protected MessageBroker newBroker(int node, BrokerOptions options) {
    return await(MessageBroker.eventBus(nodes.get(node), options));
  }

  @Override
  protected int nodes() {
    return 3;
  }
}
