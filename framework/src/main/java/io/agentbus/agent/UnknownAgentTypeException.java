package io.agentbus.agent;

/** A message for an agent type that no node has registered (failed at once, nothing sent). */
public final class UnknownAgentTypeException extends AgentRpcException {

  /** @param type the unknown type */
  public UnknownAgentTypeException(String type) {
    super("unknown agent type '" + type + "': no node has registered it");
  }

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.NOT_FOUND;
  }
}
