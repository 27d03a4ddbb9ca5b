package io.agentbus.llm.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

/**
 * A Vert.x shared map looked up once (with Hazelcast the lookup is a worker-thread hop), and looked
 * up again only if the lookup failed.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class LazyAsyncMap<K, V> {

  private final Vertx vertx;
  private final String name;
  private Future<AsyncMap<K, V>> map;

  /**
   * @param vertx the Vert.x instance (clustered: a cluster-wide map)
   * @param name the map's name
   */
  public LazyAsyncMap(Vertx vertx, String name) {
    this.vertx = vertx;
    this.name = name;
  }

  /** @return the map */
  public synchronized Future<AsyncMap<K, V>> get() {
    if (map == null || map.failed()) {
      map = io.agentbus.cluster.SharedMaps.get(vertx, name);
    }
    return map;
  }
}
