package io.agentbus.llm;

/** Who speaks in a chat message (OpenAI's roles). */
public enum Role {
  SYSTEM, USER, ASSISTANT, TOOL;

  /** @return the wire name ({@code "system"}, {@code "user"}, ...) */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * @param name a wire name
   * @return the role
   * @throws IllegalArgumentException for an unknown name
   */
  public static Role fromWire(String name) {
    for (Role r : values()) {
      if (r.wireName().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown chat role '" + name + "'");
  }
}
