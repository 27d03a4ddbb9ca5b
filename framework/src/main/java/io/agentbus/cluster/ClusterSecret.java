package io.agentbus.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The secret every member of one agentbus cluster shares ({@code --cluster-secret-file} or
 * {@code AGENTBUS_CLUSTER_SECRET}; a Kubernetes Secret in the manifests). Open-source Hazelcast
 * has no member authentication, so anyone who reaches the Hazelcast port with the cluster's name
 * can join it; the secret is what tells our members from such an intruder:
 * <ul>
 *   <li>the event bus between nodes runs mutual TLS with a certificate derived from it (or given as
 *       files): a member without it can neither send to our agents nor receive from them;</li>
 *   <li>each node's {@link NodeInfo} is signed with it: a member that cannot sign is never placed
 *       on, never leads, and is reported as an intruder;</li>
 *   <li>what agentbus keeps in Hazelcast maps is sealed with it (AES-GCM: encrypted and
 *       authenticated): an intruder reads nothing and a forged or tampered entry is refused.</li>
 * </ul>
 * Use at least 32 random characters ({@code openssl rand -hex 32}); every member needs the same one.
 */
public final class ClusterSecret {

  /** The shortest secret accepted. */
  public static final int MIN_LENGTH = 16;

  private final byte[] bytes;

  private ClusterSecret(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * @param secret the secret
   * @return it
   * @throws IllegalArgumentException when shorter than {@link #MIN_LENGTH} characters
   */
  public static ClusterSecret of(String secret) {
    String s = secret == null ? "" : secret.trim();
    if (s.length() < MIN_LENGTH) {
      throw new IllegalArgumentException("the cluster secret is shorter than " + MIN_LENGTH
          + " characters: use a random one, e.g. openssl rand -hex 32");
    }
    return new ClusterSecret(s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @param file a file holding the secret (surrounding white space ignored)
   * @return it
   * @throws IllegalArgumentException when the file cannot be read or the secret is too short
   */
  public static ClusterSecret fromFile(Path file) {
    try {
      return of(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the cluster secret from " + file + ": " + e.getMessage(), e);
    }
  }

  /** @return a copy of the secret's bytes (for key derivation) */
  public byte[] bytes() {
    return Arrays.copyOf(bytes, bytes.length);
  }

  @Override
  public String toString() {
    return "ClusterSecret[***]";
  }
}
