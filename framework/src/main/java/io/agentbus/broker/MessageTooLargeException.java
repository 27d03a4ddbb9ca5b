package io.agentbus.broker;

/** A message whose encoded payload exceeds {@link BrokerOptions#getMaxPayloadBytes()}. */
public final class MessageTooLargeException extends IllegalArgumentException implements io.agentbus.error.AgentBusFailure {

  /**
   * @param size the encoded payload size
   * @param limit the limit
   */
  public MessageTooLargeException(long size, int limit) {
    super("message payload is " + size + " bytes, more than the limit of " + limit
        + " bytes (BrokerOptions.maxPayloadBytes)");
  }

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.RESOURCE_EXHAUSTED;
  }
}
