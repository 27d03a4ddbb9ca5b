package io.agentbus.node;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the HTTP server answering when clients open connections and send nothing (half-open or
 * slow-header connections): a connection must deliver its first request within the header
 * timeout or it is closed, and at most {@code maxConnections} are open at once. At the limit a new
 * connection evicts the oldest one that has not sent a request yet; when every open connection
 * has, the new one is closed. So a flood of silent connections costs us at most
 * {@code maxConnections} file descriptors and never locks out a client that speaks promptly (a
 * health probe).
 *
 * <p>Runs on the HTTP server's event loop (one verticle instance): not thread-safe.
 */
final class ConnectionGuard {

  private final Vertx vertx;
  private final int maxConnections;
  private final long headerTimeoutMillis;
  /** Connections that have not sent a request yet, oldest first, with their timeout timer. */
  private final Map<HttpConnection, Long> silent = new LinkedHashMap<>();
  private int open;
  private long refused;

  ConnectionGuard(Vertx vertx, int maxConnections, long headerTimeoutMillis) {
    this.vertx = vertx;
    this.maxConnections = maxConnections;
    this.headerTimeoutMillis = headerTimeoutMillis;
  }

  /** The server's connection handler. */
  void onConnection(HttpConnection c) {
    open++;
    c.closeHandler(v -> {
      open--;
      Long timer = silent.remove(c);
      if (timer != null) {
        vertx.cancelTimer(timer);
      }
    });
    if (open > maxConnections) {
      Iterator<Map.Entry<HttpConnection, Long>> oldest = silent.entrySet().iterator();
      refused++;
      if (!oldest.hasNext()) {
        c.close();
        return;
      }
      Map.Entry<HttpConnection, Long> victim = oldest.next();
      oldest.remove();
      vertx.cancelTimer(victim.getValue());
      victim.getKey().close();
    }
    silent.put(c, vertx.setTimer(headerTimeoutMillis, t -> {
      if (silent.remove(c) != null) {
        c.close();
      }
    }));
  }

  /** @return the request handler that marks a connection as having spoken, then calls {@code next} */
  Handler<HttpServerRequest> requests(Handler<HttpServerRequest> next) {
    return req -> {
      Long timer = silent.remove(req.connection());
      if (timer != null) {
        vertx.cancelTimer(timer);
      }
      next.handle(req);
    };
  }

  /** @return open connections */
  int open() {
    return open;
  }

  /** @return connections closed because the limit was reached */
  long refused() {
    return refused;
  }
}
