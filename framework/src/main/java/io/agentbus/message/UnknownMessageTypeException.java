package io.agentbus.message;

/** A custom message type that is not registered in the runtime's {@link MessageTypeRegistry}. */
public final class UnknownMessageTypeException extends IllegalArgumentException implements io.agentbus.error.AgentBusFailure {

  private final String typeName;

  /** @param typeName the unregistered name */
  public UnknownMessageTypeException(String typeName) {
    super("custom message type '" + typeName + "' is not registered; call MessageTypeRegistry.register(\""
        + typeName + "\", description) first");
    this.typeName = typeName;
  }

  /** @return the unregistered name */
  public String typeName() {
    return typeName;
  }

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.INVALID_ARGUMENT;
  }
}
