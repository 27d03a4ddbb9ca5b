package io.agentbus.llm.local;

/**
 * The local model's queue is full: the request was not queued. Served as HTTP 429 with
 * {@code Retry-After}; retry after {@link #retryAfterSeconds()}.
 */
public final class LocalModelBusyException extends RuntimeException implements io.agentbus.error.AgentBusFailure {

  private final int retryAfterSeconds;

  /**
   * @param message what is full
   * @param retryAfterSeconds a fair guess of when a slot frees up
   */
  public LocalModelBusyException(String message, int retryAfterSeconds) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** @return seconds to wait before retrying */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.RESOURCE_EXHAUSTED;
  }
}
