package io.agentbus.channel;

/** An id that cannot be used in an address; the message says which id and why. */
public final class InvalidIdException extends IllegalArgumentException implements io.agentbus.error.AgentBusFailure {

  /**
   * @param what what the id names
   * @param id the rejected id (may be null)
   * @param reason why it is rejected
   */
  public InvalidIdException(String what, String id, String reason) {
    super("invalid " + what + " " + quote(id) + ": " + reason);
  }

  private static String quote(String id) {
    if (id == null) {
      return "null";
    }
    String shown = id.length() > 40 ? id.substring(0, 40) + "..." : id;
    return "'" + shown + "'";
  }

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.INVALID_ARGUMENT;
  }
}
