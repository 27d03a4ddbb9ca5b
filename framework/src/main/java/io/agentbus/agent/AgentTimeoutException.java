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

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.DEADLINE_EXCEEDED;
  }
}
