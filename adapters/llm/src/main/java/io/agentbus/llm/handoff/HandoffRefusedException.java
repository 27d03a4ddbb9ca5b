package io.agentbus.llm.handoff;

/** A claim was refused: unknown or expired offer, missing capabilities, or claimed by another. */
public class HandoffRefusedException extends RuntimeException implements io.agentbus.error.AgentBusFailure {

  /** @param message why */
  public HandoffRefusedException(String message) {
    super(message);
  }

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.FAILED_PRECONDITION;
  }
}
