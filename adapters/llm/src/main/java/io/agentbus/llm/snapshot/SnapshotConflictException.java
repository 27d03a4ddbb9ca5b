package io.agentbus.llm.snapshot;

/**
 * A conditional snapshot write lost: the snapshot was written (or created) by someone else since
 * the generation the writer named. Nothing was written; read it again and decide.
 */
public final class SnapshotConflictException extends RuntimeException implements io.agentbus.error.AgentBusFailure {

  /** @param message what was expected and what was found */
  public SnapshotConflictException(String message) {
    super(message);
  }

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.ABORTED;
  }
}
