package io.agentbus.broker;

import io.vertx.core.Vertx;

import static io.agentbus.testing.Await.await;

/** The contract on {@link MessageBroker#eventBus} in one JVM, non-clustered: several brokers on one Vert.x. */
class LocalEventBusBrokerTest extends MessageBrokerContract {

  private Vertx vertx;

  @Override
  protected void startTopology() {
    vertx = Vertx.vertx();
  }

  @Override
  protected void stopTopology() {
    await(vertx.close());
  }

  @Override
  protected MessageBroker newBroker(int node, BrokerOptions options) {
    return await(MessageBroker.eventBus(vertx, options));
  }

  @Override
  protected int nodes() {
    return 3;
  }
}
