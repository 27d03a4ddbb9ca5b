package io.agentbus.message;

/**
 * The kind of a {@link Message}, as in HERON.
 *
 * <p>{@link #CUSTOM} messages also carry a custom type name that must be registered in the
 * runtime's {@link MessageTypeRegistry} before such a message can be published.
 */
public enum MessageType {
  /** Action commands from a parent (coordinator) to a child (field agent). */
  ACTION,
  /** Information from a child to its parent. */
  INFO,
  /** A broadcast to all listeners. */
  BROADCAST,
  /** State update notifications. */
  STATE_UPDATE,
  /** Generic results. */
  RESULT,
  /** A domain-specific type, named by {@link Message#customType()}. */
  CUSTOM;

  private static final MessageType[] VALUES = values();

  /**
   * @param ordinal a wire ordinal
   * @return the type with that ordinal
   * @throws IllegalArgumentException if no type has it
   */
  public static MessageType ofOrdinal(int ordinal) {
    if (ordinal < 0 || ordinal >= VALUES.length) {
      throw new IllegalArgumentException("unknown message type ordinal " + ordinal);
    }
    return VALUES[ordinal];
  }
}
