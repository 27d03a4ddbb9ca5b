package io.agentbus.agent;

/**
 * An agent could not be activated because its node already hosts as many agents of its type as
 * {@link RegistrationOptions#maxActive()} allows. Nothing was allocated for it; retrying later (when
 * idle agents have been deactivated) may succeed. Arrives with this type on the calling node too.
 */
public final class AgentCapacityException extends AgentRpcException {

  /** The event-bus failure code that carries this error between nodes. */
  public static final int FAILURE_CODE = 429;

  /**
   * @param message what was refused and the limit
   */
  public AgentCapacityException(String message) {
    super(message);
  }

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.RESOURCE_EXHAUSTED;
  }
}
