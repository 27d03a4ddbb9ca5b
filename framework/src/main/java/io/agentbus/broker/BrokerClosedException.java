package io.agentbus.broker;

/** An operation on a {@link MessageBroker} after {@link MessageBroker#close()}. */
public final class BrokerClosedException extends IllegalStateException {

  /** @param operation the refused operation */
  public BrokerClosedException(String operation) {
    super("broker is closed: " + operation + " refused");
  }
}
