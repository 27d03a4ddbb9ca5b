package io.agentbus.agent;

/**
 * An RPC that failed: the message says why (a handler's error is prefixed with the agent), the
 * {@link #code()} what kind of failure it was — for a handler's own exception the code of that
 * exception ({@code IllegalArgumentException}: {@code INVALID_ARGUMENT}, an agentbus exception: its
 * own), carried across nodes, {@link io.agentbus.error.ErrorCode#UNKNOWN} when nothing more is known.
 */
public class AgentRpcException extends RuntimeException implements io.agentbus.error.AgentBusFailure {

  private final io.agentbus.error.ErrorCode code;

  /** @param message the reason */
  public AgentRpcException(String message) {
    this(message, io.agentbus.error.ErrorCode.UNKNOWN);
  }

  /**
   * @param message the reason
   * @param code what kind of failure it is
   */
  public AgentRpcException(String message, io.agentbus.error.ErrorCode code) {
    super(message, null, false, false);
    this.code = code;
  }

  @Override
  public io.agentbus.error.ErrorCode code() {
    return code;
  }
}
