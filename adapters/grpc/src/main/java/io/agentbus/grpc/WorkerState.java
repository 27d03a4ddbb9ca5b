package io.agentbus.grpc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.TreeSet;

/**
 * What the bridge knows of one connected worker, for the console and the API ({@code GET /api/bridge}).
 *
 * @param clientId the worker's {@code client-id}
 * @param types the agent types it registered
 * @param subscriptions the ids of the subscriptions it added
 * @param rpcsToWorker requests forwarded to it that wait for its answer
 * @param rpcsFromWorker its requests that wait for a reply from the cluster
 * @param dropped messages for it that were dropped (its queue full, too large, while it was reconnecting)
 * @param queuedBytes bytes written for it that wait for its HTTP/2 flow-control window
 * @param backpressured whether those bytes reached the bridge's {@code maxQueuedBytesPerWorker} (events for it
 *     are being dropped, RPCs refused)
 * @param reconnecting whether its connection was lost and it may still reconnect within the grace period
 */
public record WorkerState(String clientId, Set<String> types, Set<String> subscriptions, int rpcsToWorker,
                          int rpcsFromWorker, long dropped, long queuedBytes, boolean backpressured,
                          boolean reconnecting) {

  /** Copies the sets, sorted. */
  public WorkerState {
    types = Set.copyOf(new TreeSet<>(types));
    subscriptions = Set.copyOf(new TreeSet<>(subscriptions));
  }

  /** @return the JSON form */
  public JsonObject toJson() {
    return new JsonObject().put("clientId", clientId).put("types", new JsonArray(new java.util.ArrayList<>(new TreeSet<>(types))))
        .put("subscriptions", new JsonArray(new java.util.ArrayList<>(new TreeSet<>(subscriptions))))
        .put("rpcsToWorker", rpcsToWorker).put("rpcsFromWorker", rpcsFromWorker).put("dropped", dropped)
        .put("queuedBytes", queuedBytes).put("backpressured", backpressured).put("reconnecting", reconnecting);
  }
}
