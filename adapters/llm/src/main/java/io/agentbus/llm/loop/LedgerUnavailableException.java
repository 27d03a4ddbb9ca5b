package io.agentbus.llm.loop;

/** The shared budget ledger could not be reached or updated in time; runs stop (fail closed). */
public class LedgerUnavailableException extends RuntimeException implements io.agentbus.error.AgentBusFailure {

  /** @param message what failed */
  public LedgerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.UNAVAILABLE;
  }
}
