package io.agentbus.llm.loop;

/** The shared budget ledger could not be reached or updated in time; runs stop (fail closed). */
public class LedgerUnavailableException extends RuntimeException {

  /** @param message what failed */
  public LedgerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
