package io.agentbus.llm.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Where LLM runs are kept: one document per run (its request, result and interactions). The
 * default lives in the cluster's shared data; a Firestore implementation can replace it.
 */
public interface RunStore {

  /** Stores (or replaces) a run document under its {@code runId}. */
  Future<Void> save(JsonObject run);

  /** @return the run document, or null */
  Future<JsonObject> get(String runId);

  /** @return up to {@code limit} run documents, newest first */
  Future<List<JsonObject>> recent(int limit);

  /**
   * @param vertx the node's Vert.x (a Hazelcast map when clustered)
   * @return a store in shared data; documents expire after a day
   */
  static RunStore shared(Vertx vertx) {
    return new io.agentbus.llm.agent.impl.SharedDataRunStore(vertx);
  }
}
