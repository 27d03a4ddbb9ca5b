package io.agentbus.agent;

/**
 * The node hosting the agent left the cluster (crash, partition, stop) while a request to it was
 * in flight: the request fails as soon as the membership change is seen instead of waiting out its
 * timeout. Whether the agent handled the message before its node went is unknown (at-most-once);
 * a retry goes to the agent's new owner.
 */
public final class AgentUnavailableException extends AgentRpcException {

  /** @param message which request and which node */
  public AgentUnavailableException(String message) {
    super(message);
  }
}
