package io.agentbus.cluster;

import io.agentbus.cluster.impl.SharedMapsImpl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

/**
 * The one way agentbus opens a cluster-wide map (Vert.x shared data, Hazelcast {@code IMap}s when
 * clustered). On a node started with a {@link ClusterSecret} the map is sealed: values encrypted
 * and authenticated under a key derived from the secret, so a foreign member or client that reaches
 * Hazelcast reads nothing and cannot forge an entry (see {@link TamperedEntryException}). Without
 * a secret it is the plain Vert.x map.
 *
 * <pre>{@code
 * SharedMaps.get(vertx, "myapp.runs").compose(map -> map.put(runId, doc));
 * }</pre>
 *
 * Values must be JSON objects or arrays, strings, longs, integers or booleans when sealed.
 */
public final class SharedMaps {

  private SharedMaps() {
  }

  /**
   * @param vertx the node's Vert.x instance
   * @param name the map's name
   * @return the map, sealed when the node has a cluster secret
   */
  public static <K, V> Future<AsyncMap<K, V>> get(Vertx vertx, String name) {
    return SharedMapsImpl.get(vertx, name);
  }

  /** @return entries that did not open with this node's secret since it started (forged or tampered) */
  public static long tamperedEntries(Vertx vertx) {
    return SharedMapsImpl.tampered(vertx);
  }

  /** @return whether maps opened through {@code vertx} are sealed */
  public static boolean sealed(Vertx vertx) {
    return SharedMapsImpl.sealed(vertx);
  }
}
