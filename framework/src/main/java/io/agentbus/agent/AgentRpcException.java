package io.agentbus.agent;

/** An RPC whose handler failed: the message is the handler's error, prefixed with the agent. */
public class AgentRpcException extends RuntimeException {

  /** @param message the reason */
  public AgentRpcException(String message) {
    super(message, null, false, false);
  }
}
