package io.agentbus.agent;

/** An RPC that got no reply in time. */
public final class AgentTimeoutException extends AgentRpcException {

  /**
   * @param recipient the agent
   * @param millis the timeout
   */
  public AgentTimeoutException(AgentId recipient, long millis) {
    super("no reply from " + recipient + " within " + millis + " ms");
  }
}
