package io.agentbus.llm.handoff;

/** A claim was refused: unknown or expired offer, missing capabilities, or claimed by another. */
public class HandoffRefusedException extends RuntimeException {

  /** @param message why */
  public HandoffRefusedException(String message) {
    super(message);
  }
}
