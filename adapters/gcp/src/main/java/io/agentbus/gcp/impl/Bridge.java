package io.agentbus.gcp.impl;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.common.util.concurrent.MoreExecutors;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * Google's futures as Vert.x futures, completed on the caller's Vert.x context (the client's
 * callback thread never runs our code), and blocking client calls on worker threads.
 */
public final class Bridge {

  private final Vertx vertx;

  /** @param vertx the node's Vert.x */
  public Bridge(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * @return {@code future} as a Vert.x future completed on the current context, with the caller's
   *     OpenTelemetry context current while it completes (the next client call of a chain stays in
   *     the caller's trace)
   */
  public <T> Future<T> of(ApiFuture<T> future) {
    Context context = vertx.getOrCreateContext();
    io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
    Promise<T> promise = Promise.promise();
    ApiFutures.addCallback(future, new ApiFutureCallback<T>() {
      @Override
      public void onFailure(Throwable t) {
        Throwable cause = t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t;
        context.runOnContext(v -> {
          try (io.opentelemetry.context.Scope ignored = trace.makeCurrent()) {
            promise.fail(cause);
          }
        });
      }

      @Override
      public void onSuccess(T result) {
        context.runOnContext(v -> {
          try (io.opentelemetry.context.Scope ignored = trace.makeCurrent()) {
            promise.complete(result);
          }
        });
      }
    }, MoreExecutors.directExecutor());
    return promise.future();
  }

  /**
   * @return {@code call} run on a worker thread (unordered: calls do not wait for each other), with
   *     the caller's OpenTelemetry context current there, so the client's spans are children of the
   *     caller's
   */
  public <T> Future<T> blocking(Callable<T> call) {
    return vertx.executeBlocking(io.opentelemetry.context.Context.current().wrap(call), false);
  }

  /** @return the Vert.x */
  public Vertx vertx() {
    return vertx;
  }
}
