package io.agentbus.cluster.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Event-bus requests waiting for a reply, grouped by the peer that should answer, so that they can
 * be failed at once when that peer is known to be gone (its node left the cluster) instead of
 * waiting out their timeout: Vert.x does not fail a request whose target node disappears.
 * Thread-safe.
 *
 * @param <K> how peers are named (a node id, a mailbox owner id)
 */
public final class RequestsInFlight<K> {

  private final Map<K, Set<Promise<?>>> byPeer = new ConcurrentHashMap<>();

  /**
   * @param peer who should answer
   * @param request the request's reply
   * @return the reply, or a failure when {@link #failAll} is called for the peer first
   */
  public <T> Future<T> track(K peer, Future<T> request) {
    Promise<T> reply = Promise.promise();
    Set<Promise<?>> waiting = byPeer.computeIfAbsent(peer, p -> ConcurrentHashMap.newKeySet());
    waiting.add(reply);
    request.onComplete(ar -> {
      waiting.remove(reply);
      if (ar.succeeded()) {
        reply.tryComplete(ar.result());
      } else {
        reply.tryFail(ar.cause());
      }
    });
    return reply.future();
  }

  /** Fails every request waiting for a peer that {@code gone} accepts, with the error {@code why} gives. */
  public void failAll(Predicate<K> gone, Function<K, Throwable> why) {
    for (K peer : new ArrayList<>(byPeer.keySet())) {
      if (gone.test(peer)) {
        Set<Promise<?>> waiting = byPeer.remove(peer);
        if (waiting != null) {
          waiting.forEach(p -> p.tryFail(why.apply(peer)));
        }
      }
    }
  }
}
