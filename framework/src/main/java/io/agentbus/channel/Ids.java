package io.agentbus.channel;

/**
 * Validation of every id that becomes part of an address: environment ids, agent ids, channel
 * kinds, custom type names and namespaces.
 *
 * <p>An id is 1 to {@value #MAX_LENGTH} characters from {@code [A-Za-z0-9_.-]}, and is neither
 * {@code "."} nor {@code ".."}. The address separator {@value Channel#SEPARATOR}, wildcards,
 * white space and control characters are therefore impossible, so no id can forge another
 * channel's address.
 */
public final class Ids {

  /** The longest id accepted. */
  public static final int MAX_LENGTH = 128;

  private Ids() {
  }

  /**
   * @param what what the id names, used in the error message ("env id", "agent id", ...)
   * @param id the id
   * @return {@code id}, when valid
   * @throws InvalidIdException with a message naming {@code what} and the reason
   */
  public static String check(String what, String id) {
    String reason = problem(id);
    if (reason != null) {
      throw new InvalidIdException(what, id, reason);
    }
    return id;
  }

  /** @return whether {@code id} is valid */
  public static boolean isValid(String id) {
    return problem(id) == null;
  }

  private static String problem(String id) {
    if (id == null) {
      return "it is null";
    }
    if (id.isEmpty()) {
      return "it is empty";
    }
    if (id.length() > MAX_LENGTH) {
      return "it is " + id.length() + " characters long (at most " + MAX_LENGTH + ")";
    }
    if (id.equals(".") || id.equals("..")) {
      return "'.' and '..' are reserved";
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!allowed(c)) {
        return "character '" + printable(c) + "' at index " + i + " is not allowed (use A-Z a-z 0-9 _ . -)";
      }
    }
    return null;
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == '-' || c == '.';
  }

  private static String printable(char c) {
    return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
