package io.agentbus.broker;

/** An operation on a {@link MessageBroker} after {@link MessageBroker#close()}. */
public final class BrokerClosedException extends IllegalStateException implements io.agentbus.error.AgentBusFailure {

  /** @param operation the refused operation */
  public BrokerClosedException(String operation) {
    super("broker is closed: " + operation + " refused");
  }

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.UNAVAILABLE;
  }
}
