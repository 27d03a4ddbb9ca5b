package io.agentbus.agent;

import java.util.Objects;

/**
 * An agent's address: its type (which factory makes it) and its key (which instance), as in
 * AutoGen. The type matches {@code [A-Za-z0-9_.-]+}; the key is 1 to {@value #MAX_KEY} printable
 * ASCII characters (32..126).
 *
 * @param type the agent type
 * @param key the instance key
 */
public record AgentId(String type, String key) {

  /** Longest key accepted. */
  public static final int MAX_KEY = 512;

  /** Validates both parts. */
  public AgentId {
    checkType(type);
    checkKey("agent key", key);
  }

  /**
   * @param text {@code type/key}
   * @return the id
   */
  public static AgentId parse(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("invalid agent id '" + text + "': expected type/key");
    }
    return new AgentId(text.substring(0, slash), text.substring(slash + 1));
  }

  @Override
  public String toString() {
    return type + "/" + key;
  }

  /** Written out (the record's generated one goes through a method handle on every call): ids are map keys on every delivery. */
  @Override
  public int hashCode() {
    return 31 * type.hashCode() + key.hashCode();
  }

  /**
   * Checks an agent type.
   *
   * @return the type
   * @throws IllegalArgumentException naming the type and the rule
   */
  public static String checkType(String type) {
    if (type == null || type.isEmpty() || type.length() > 256 || !matches(type, false)) {
      throw new IllegalArgumentException("invalid agent type '" + type
          + "': allowed values match [A-Za-z0-9_.-]+ (AutoGen's ^[\\w\\-\\.]+\\Z), at most 256 characters");
    }
    return type;
  }

  static String checkKey(String what, String key) {
    Objects.requireNonNull(key, what);
    if (key.isEmpty() || key.length() > MAX_KEY) {
      throw new IllegalArgumentException("invalid " + what + ": length must be 1.." + MAX_KEY + ", got " + key.length());
    }
    checkPrintable(what, key);
    return key;
  }

  static void checkPrintable(String what, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 32 || c > 126) {
        throw new IllegalArgumentException("invalid " + what + " '" + s + "': character " + (int) c + " at index " + i
            + " is outside printable ASCII (32..126)");
      }
    }
  }

  static boolean matches(String s, boolean topicType) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '-' || c == '.' || (topicType && (c == ':' || c == '='));
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
