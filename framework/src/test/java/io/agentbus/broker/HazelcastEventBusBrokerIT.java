package io.agentbus.broker;

import io.agentbus.testing.LocalCluster;

import static io.agentbus.testing.Await.await;

/** The contract on a real 3-node Hazelcast cluster (TCP-IP join on 127.0.0.1, free ports). */
class HazelcastEventBusBrokerIT extends MessageBrokerContract {

  private LocalCluster cluster;

  @Override
  protected void startTopology() {
    cluster = LocalCluster.start(3, "broker_it");
  }

  @Override
  protected void stopTopology() {
    cluster.close();
  }

  @Override
  protected MessageBroker newBroker(int node, BrokerOptions options) {
    return await(MessageBroker.eventBus(cluster.node(node).vertx(), options));
  }

  @Override
  protected int nodes() {
    return 3;
  }
}
