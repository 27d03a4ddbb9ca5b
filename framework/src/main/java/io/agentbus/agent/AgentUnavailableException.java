package io.agentbus.agent;

/**
 * The agent went away while a request to it was in flight: its node left the cluster (crash,
 * partition, stop) — the request fails as soon as the membership change is seen instead of waiting
 * out its timeout — or the agent was deactivated before its handler completed. Whether the agent
 * handled the message is unknown (at-most-once); a retry goes to the agent's new owner. Kept
 * across the wire (event-bus failure code {@value #FAILURE_CODE}).
 */
public final class AgentUnavailableException extends AgentRpcException {

  /** The event-bus failure code that carries this exception's type across nodes. */
  public static final int FAILURE_CODE = 503;

  /** @param message which request and which node */
  public AgentUnavailableException(String message) {
    super(message);
  }

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.UNAVAILABLE;
  }
}
