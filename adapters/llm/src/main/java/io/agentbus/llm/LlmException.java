package io.agentbus.llm;

/** A failed LLM call: the provider's status (0 when no HTTP answer came) and whether a retry may help. */
public class LlmException extends RuntimeException implements io.agentbus.error.AgentBusFailure {

  private final int status;
  private final boolean retryable;
  private final long retryAfterMillis;

  /**
   * @param message what went wrong
   * @param status the HTTP status, 0 when there was none (connection, timeout, bad body)
   * @param retryable whether the same request may succeed later (429, 5xx, timeouts)
   */
  public LlmException(String message, int status, boolean retryable) {
    this(message, status, retryable, -1);
  }

  /**
   * @param message what went wrong
   * @param status the HTTP status, 0 when there was none
   * @param retryable whether the same request may succeed later
   * @param retryAfterMillis how long the server asked to wait before a retry, -1 if it did not say
   */
  public LlmException(String message, int status, boolean retryable, long retryAfterMillis) {
    super(message);
    this.status = status;
    this.retryable = retryable;
    this.retryAfterMillis = retryAfterMillis;
  }

  /** @return how long the server asked to wait before a retry, -1 if it did not say */
  public long retryAfterMillis() {
    return retryAfterMillis;
  }

  /** @return the HTTP status, 0 when there was none */
  public int status() {
    return status;
  }

  /** @return whether a retry may help */
  public boolean retryable() {
    return retryable;
  }

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.UNAVAILABLE;
  }
}
