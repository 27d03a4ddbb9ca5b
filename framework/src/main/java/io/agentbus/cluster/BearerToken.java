package io.agentbus.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A bearer token an endpoint requires ({@code Authorization: Bearer <token>}), as the node's HTTP
 * API and the gRPC bridge use it: compared in constant time, never printed.
 */
public final class BearerToken {

  /** The shortest token accepted. */
  public static final int MIN_LENGTH = 16;

  private final byte[] token;

  private BearerToken(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @param token the token, at least {@link #MIN_LENGTH} characters
   * @return it
   * @throws IllegalArgumentException when shorter
   */
  public static BearerToken of(String token) {
    if (token == null || token.length() < MIN_LENGTH) {
      throw new IllegalArgumentException("a bearer token needs at least " + MIN_LENGTH
          + " characters: use a random one, e.g. openssl rand -hex 32");
    }
    return new BearerToken(token);
  }

  /** @return whether {@code candidate} is this token (constant time) */
  public boolean matches(String candidate) {
    return candidate != null && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
  }

  /** @return the token of an {@code Authorization: Bearer <token>} header value, or null when it is not one */
  public static String fromAuthorization(String header) {
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
  }

  /** @return whether an {@code Authorization} header value carries this token */
  public boolean authorizes(String authorizationHeader) {
    return matches(fromAuthorization(authorizationHeader));
  }

  @Override
  public String toString() {
    return "BearerToken[***]";
  }
}
