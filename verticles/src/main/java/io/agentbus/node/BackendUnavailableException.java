package io.agentbus.node;

/**
 * A backend the configuration names could not be reached at start (Firestore, Pub/Sub, Cloud
 * Storage, the local model file): the node exits with status 2, like a configuration error, and
 * the message names the flag.
 */
public final class BackendUnavailableException extends RuntimeException implements io.agentbus.error.AgentBusFailure {

  /** @param message the flag, the backend and what went wrong */
  public BackendUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.UNAVAILABLE;
  }
}
