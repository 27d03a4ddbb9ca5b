package io.agentbus.error;

/**
 * Implemented by every exception agentbus raises: its {@link ErrorCode}. An interface rather than a
 * common base class, so that each exception keeps the JDK base its callers already catch
 * ({@code IllegalArgumentException} for a bad id, {@code IllegalStateException} for a full
 * mailbox) and still says, in one vocabulary, what went wrong. Use {@link ErrorCode#of(Throwable)}
 * to classify any throwable, ours or not.
 */
public interface AgentBusFailure {

  /** @return what went wrong */
  ErrorCode code();
}
