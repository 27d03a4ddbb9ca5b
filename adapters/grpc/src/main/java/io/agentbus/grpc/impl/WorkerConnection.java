package io.agentbus.grpc.impl;

import io.agentbus.grpc.proto.Message;
import io.agentbus.grpc.proto.RpcResponse;
import io.vertx.core.Promise;
import io.vertx.grpc.server.GrpcServerResponse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** One connected worker: its stream, its types and subscriptions, its pending requests. */
final class WorkerConnection {

  private static final int RECENT_EVENTS = 4096;

  final String clientId;
  final GrpcServerResponse<Message, Message> stream;
  /** The bridge's requests to this worker waiting for their reply. */
  final PendingReplies<RpcResponse> pending;
  /** Requests from this worker waiting for their reply. */
  final java.util.concurrent.atomic.AtomicInteger sending = new java.util.concurrent.atomic.AtomicInteger();
  private final AtomicLong nextRequest = new AtomicLong();
  /** Messages for this worker that were dropped (queue full, too large, reconnecting). */
  final AtomicLong dropped = new AtomicLong();
  /**
   * Bytes written to this worker's stream and not yet on the wire: what waits for the worker's
   * HTTP/2 flow-control window. The bridge's bound on what one worker can make it hold.
   */
  final AtomicLong queuedBytes = new AtomicLong();
  /** The connection was lost and the worker may reconnect within the grace period. */
  volatile boolean suspended;
  long graceTimer;
  /** Completed with the new connection when the worker reconnects in time, failed when it does not. */
  final Promise<WorkerConnection> reconnected = Promise.promise();
  /** Events already sent: a worker gets each published message once, however many of its agents subscribe. */
  private final Map<String, Boolean> recentEvents = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > RECENT_EVENTS;
    }
  };

  WorkerConnection(String clientId, GrpcServerResponse<Message, Message> stream, io.vertx.core.Vertx vertx) {
    this.pending = new PendingReplies<>(vertx);
    this.clientId = clientId;
    this.stream = stream;
  }

  /** @return whether {@code max} bytes or more wait to be written to this worker */
  boolean queueFull(long max) {
    return queuedBytes.get() >= max;
  }

  /** @return a request id unique on this connection (the worker's own ids are never forwarded) */
  String nextRequestId() {
    return "h" + nextRequest.incrementAndGet();
  }

  /** @return true the first time an event id is seen */
  synchronized boolean firstSighting(String eventId) {
    return recentEvents.put(eventId, Boolean.TRUE) == null;
  }
}
