package io.agentbus.cluster.impl;

import io.agentbus.cluster.ClusterSecret;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Keys derived from the {@link ClusterSecret}, one per purpose, with HKDF-SHA256 (RFC 5869): a
 * key for one purpose (signing node infos, sealing map entries, the event-bus certificate) tells
 * nothing about the others.
 */
public final class SecretKeys {

  private static final byte[] SALT = "agentbus cluster secret v1".getBytes(StandardCharsets.UTF_8);

  private final byte[] prk;

  /** @param secret the cluster secret */
  public SecretKeys(ClusterSecret secret) {
    this.prk = hmac(SALT, secret.bytes());
  }

  /**
   * @param purpose what the key is for (part of the derivation)
   * @param length bytes wanted (at most 255 × 32)
   * @return the key
   */
  public byte[] derive(String purpose, int length) {
    byte[] info = purpose.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[length];
    byte[] t = new byte[0];
    int done = 0;
    for (int i = 1; done < length; i++) {
      byte[] input = new byte[t.length + info.length + 1];
      System.arraycopy(t, 0, input, 0, t.length);
      System.arraycopy(info, 0, input, t.length, info.length);
      input[input.length - 1] = (byte) i;
      t = hmac(prk, input);
      int n = Math.min(t.length, length - done);
      System.arraycopy(t, 0, out, done, n);
      done += n;
    }
    return out;
  }

  /** @return HMAC-SHA256 of {@code data} under {@code key} */
  public static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[32] : Arrays.copyOf(key, key.length), "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
