package io.agentbus.cluster.impl;

import io.agentbus.cluster.TamperedEntryException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link AsyncMap} whose values are sealed with AES-256-GCM under a key derived from the cluster
 * secret: what Hazelcast stores (and a foreign member or client can read) is
 * {@code base64(nonce || ciphertext || tag)}, bound to the map's name and the entry's key as
 * associated data, so a value copied to another key or map does not open either. Keys stay in
 * clear (lookups need them); choose keys that reveal nothing.
 *
 * <p>A value that does not open — forged, tampered with, or sealed under another secret — is
 * counted; {@code get} and the other single-key operations fail with
 * {@link TamperedEntryException}, the bulk reads ({@code values}, {@code entries}) leave it out.
 * Compare-and-set operations compare plaintexts and swap the exact sealed value read, so they stay
 * atomic. What sealing cannot stop: deleting an entry, or putting back an older sealed value of
 * the same key (callers that must notice, such as the budget ledger, keep a high-water mark).
 *
 * <p>Values: {@link JsonObject}, {@link JsonArray}, {@link String}, {@link Long}, {@link Integer},
 * {@link Boolean}.
 */
final class SealedAsyncMap<K, V> implements AsyncMap<K, V> {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int NONCE = 12;

  private final AsyncMap<K, Object> raw;
  private final String name;
  private final SecretKeySpec key;
  private final AtomicLong tampered;

  SealedAsyncMap(AsyncMap<K, Object> raw, String name, byte[] key, AtomicLong tampered) {
    this.raw = raw;
    this.name = name;
    this.key = new SecretKeySpec(key, "AES");
    this.tampered = tampered;
  }

  String seal(K k, V v) {
    byte[] plain = encode(v).getBytes(StandardCharsets.UTF_8);
    byte[] nonce = new byte[NONCE];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      c.updateAAD(aad(k));
      byte[] sealed = c.doFinal(plain);
      byte[] out = new byte[NONCE + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE);
      System.arraycopy(sealed, 0, out, NONCE, sealed.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** @return the value, or null when {@code sealed} is null; throws when it does not open */
  V open(K k, Object sealed) {
    if (sealed == null) {
      return null;
    }
    try {
      if (!(sealed instanceof String)) {
        throw new IllegalArgumentException("not a sealed value"); // an intruder may store any type
      }
      byte[] in = Base64.getDecoder().decode((String) sealed);
      if (in.length < NONCE + 16) {
        throw new IllegalArgumentException("too short");
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, NONCE));
      c.updateAAD(aad(k));
      return decode(new String(c.doFinal(in, NONCE, in.length - NONCE), StandardCharsets.UTF_8));
    } catch (GeneralSecurityException | RuntimeException e) {
      tampered.incrementAndGet();
      throw new TamperedEntryException("entry '" + k + "' of cluster map " + name
          + " is not sealed with this cluster's secret (forged or tampered with): refused");
    }
  }

  private Future<V> opened(K k, Future<Object> f) {
    return f.compose(s -> {
      try {
        return Future.succeededFuture(open(k, s));
      } catch (TamperedEntryException e) {
        return Future.failedFuture(e);
      }
    });
  }

  private byte[] aad(K k) {
    return (name + '\u0000' + k).getBytes(StandardCharsets.UTF_8);
  }

  private static String encode(Object v) {
    if (v instanceof JsonObject) {
      return "J" + ((JsonObject) v).encode();
    } else if (v instanceof JsonArray) {
      return "A" + ((JsonArray) v).encode();
    } else if (v instanceof String) {
      return "S" + v;
    } else if (v instanceof Long) {
      return "L" + v;
    } else if (v instanceof Integer) {
      return "I" + v;
    } else if (v instanceof Boolean) {
      return "B" + v;
    }
    throw new IllegalArgumentException("a sealed cluster map holds JSON, strings, numbers and booleans, not "
        + (v == null ? "null" : v.getClass().getName()));
  }

  @SuppressWarnings("unchecked")
  private static <V> V decode(String s) {
    String body = s.substring(1);
    Object v = switch (s.charAt(0)) {
      case 'J' -> new JsonObject(body);
      case 'A' -> new JsonArray(body);
      case 'S' -> body;
      case 'L' -> Long.parseLong(body);
      case 'I' -> Integer.parseInt(body);
      case 'B' -> Boolean.parseBoolean(body);
      default -> throw new IllegalArgumentException("unknown tag");
    };
    return (V) v;
  }

  private Future<String> sealed(K k, V v) {
    try {
      return Future.succeededFuture(seal(k, v));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<V> get(K k) {
    return opened(k, raw.get(k));
  }

  @Override
  public Future<Void> put(K k, V v) {
    return put(k, v, -1);
  }

  /** ttl &lt; 0 here and below: none (Vert.x's methods without a ttl). */
  @Override
  public Future<Void> put(K k, V v, long ttl) {
    return sealed(k, v).compose(s -> ttl < 0 ? raw.put(k, (Object) s) : raw.put(k, (Object) s, ttl));
  }

  @Override
  public Future<V> putIfAbsent(K k, V v) {
    return putIfAbsent(k, v, -1);
  }

  @Override
  public Future<V> putIfAbsent(K k, V v, long ttl) {
    return sealed(k, v).compose(s -> opened(k, ttl < 0 ? raw.putIfAbsent(k, (Object) s) : raw.putIfAbsent(k, (Object) s, ttl)));
  }

  @Override
  public Future<V> remove(K k) {
    return raw.remove(k).map(s -> {
      try {
        return open(k, s);
      } catch (TamperedEntryException e) {
        return null; // removed either way: a forged entry is gone
      }
    });
  }

  @Override
  public Future<Boolean> removeIfPresent(K k, V v) {
    return raw.get(k).compose(s -> {
      V current = open(k, s);
      return current != null && current.equals(v) ? raw.removeIfPresent(k, s) : Future.succeededFuture(false);
    });
  }

  @Override
  public Future<V> replace(K k, V v) {
    return replace(k, v, -1);
  }

  @Override
  public Future<V> replace(K k, V v, long ttl) {
    return sealed(k, v).compose(s -> opened(k, ttl < 0 ? raw.replace(k, (Object) s) : raw.replace(k, (Object) s, ttl)));
  }

  @Override
  public Future<Boolean> replaceIfPresent(K k, V oldValue, V newValue) {
    return replaceIfPresent(k, oldValue, newValue, -1);
  }

  /** Compares plaintexts, then swaps the exact sealed value read (atomic on the raw map). */
  @Override
  public Future<Boolean> replaceIfPresent(K k, V oldValue, V newValue, long ttl) {
    return raw.get(k).compose(s -> {
      V current = open(k, s);
      if (current == null || !current.equals(oldValue)) {
        return Future.succeededFuture(false);
      }
      return sealed(k, newValue).compose(n -> ttl < 0 ? raw.replaceIfPresent(k, s, (Object) n)
          : raw.replaceIfPresent(k, s, (Object) n, ttl));
    });
  }

  @Override
  public Future<Void> clear() {
    return raw.clear();
  }

  @Override
  public Future<Integer> size() {
    return raw.size();
  }

  @Override
  public Future<Set<K>> keys() {
    return raw.keys();
  }

  @Override
  public Future<List<V>> values() {
    return entries().map(m -> new ArrayList<>(m.values()));
  }

  @Override
  public Future<Map<K, V>> entries() {
    return raw.entries().map(all -> {
      Map<K, V> out = new LinkedHashMap<>();
      all.forEach((k, s) -> {
        try {
          out.put(k, open(k, s));
        } catch (TamperedEntryException e) {
          // left out (and counted): a forged entry never reaches the caller
        }
      });
      return out;
    });
  }
}
