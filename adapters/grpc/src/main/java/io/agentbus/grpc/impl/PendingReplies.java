package io.agentbus.grpc.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Replies awaited by request id on a request/response stream (RPCs to and from workers, state
 * requests on control channels): each ends exactly once — answered, failed, or failed at its
 * timeout — and its timer is cancelled when it ends first. Thread-safe.
 *
 * @param <T> the reply's type
 */
final class PendingReplies<T> {

  private final Vertx vertx;
  private final Map<String, Promise<T>> waiting = new ConcurrentHashMap<>();

  PendingReplies(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Waits for the reply to {@code id}; call before the request is written, so that an answer that
   * comes at once finds it.
   *
   * @param timeout the failure after {@code timeoutMillis} without a reply
   * @return the reply
   */
  Future<T> expect(String id, long timeoutMillis, Supplier<? extends Throwable> timeout) {
    Promise<T> reply = Promise.promise();
    waiting.put(id, reply);
    long timer = vertx.setTimer(timeoutMillis, t -> fail(id, timeout.get()));
    return reply.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  /** @return whether a reply to {@code id} was awaited (it is now answered) */
  boolean answer(String id, T reply) {
    Promise<T> p = waiting.remove(id);
    return p != null && p.tryComplete(reply);
  }

  /** Fails the wait for {@code id}, if any (its request could not be written, for instance). */
  boolean fail(String id, Throwable cause) {
    Promise<T> p = waiting.remove(id);
    return p != null && p.tryFail(cause);
  }

  /** Fails every wait (the stream is gone). */
  void failAll(Supplier<? extends Throwable> cause) {
    for (String id : waiting.keySet()) {
      fail(id, cause.get());
    }
  }

  /** @return the replies still awaited */
  int size() {
    return waiting.size();
  }
}
