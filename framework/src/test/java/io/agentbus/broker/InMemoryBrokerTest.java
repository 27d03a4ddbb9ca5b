package io.agentbus.broker;

import java.util.IdentityHashMap;
import java.util.Map;

/** The contract on {@link MessageBroker#inMemory(BrokerOptions)}: every "node" shares one broker per options. */
class InMemoryBrokerTest extends MessageBrokerContract {

  private final Map<BrokerOptions, MessageBroker> byOptions = new IdentityHashMap<>();

  @Override
  protected void startTopology() {
  }

  @Override
  protected void stopTopology() {
  }

  @Override
  protected synchronized MessageBroker newBroker(int node, BrokerOptions options) {
    return byOptions.computeIfAbsent(options, MessageBroker::inMemory);
  }

  @Override
  protected int nodes() {
    return 1;
  }

  @Override
  protected boolean brokersAreShared() {
    return true;
  }
}
