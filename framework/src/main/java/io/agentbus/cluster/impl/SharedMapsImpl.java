package io.agentbus.cluster.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** {@link io.agentbus.cluster.SharedMaps}: the sealing key of each Vert.x instance whose node has a secret. */
public final class SharedMapsImpl {

  private record Sealing(byte[] key, AtomicLong tampered) {
  }

  private static final Map<Vertx, Sealing> SEALING = Collections.synchronizedMap(new WeakHashMap<>());

  private SharedMapsImpl() {
  }

  /** Seals every map opened through {@code vertx} from now on (called by the node at start). */
  public static void seal(Vertx vertx, SecretKeys keys) {
    SEALING.put(vertx, new Sealing(keys.derive("agentbus shared-data seal", 32), new AtomicLong()));
  }

  @SuppressWarnings("unchecked")
  public static <K, V> Future<AsyncMap<K, V>> get(Vertx vertx, String name) {
    Sealing s = SEALING.get(vertx);
    if (s == null) {
      return vertx.sharedData().getAsyncMap(name);
    }
    return vertx.sharedData().<K, Object>getAsyncMap(name).map(raw -> new SealedAsyncMap<>(raw, name, s.key(), s.tampered()));
  }

  public static long tampered(Vertx vertx) {
    Sealing s = SEALING.get(vertx);
    return s == null ? 0 : s.tampered().get();
  }

  public static boolean sealed(Vertx vertx) {
    return SEALING.containsKey(vertx);
  }
}
