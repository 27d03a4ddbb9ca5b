package io.agentbus.llm.agent.impl;

import io.agentbus.llm.agent.RunStore;
import io.agentbus.llm.impl.LazyAsyncMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@link RunStore} in a Vert.x async map (Hazelcast's when clustered), one day time-to-live. */
public final class SharedDataRunStore implements RunStore {

  private static final long TTL = TimeUnit.DAYS.toMillis(1);
  private final LazyAsyncMap<String, JsonObject> map;

  /** @param vertx the node's Vert.x */
  public SharedDataRunStore(Vertx vertx) {
    this.map = new LazyAsyncMap<>(vertx, "agentbus.llm.runs");
  }

  private Future<AsyncMap<String, JsonObject>> map() {
    return map.get();
  }

  @Override
  public Future<Void> save(JsonObject run) {
    String id = run.getString("runId");
    if (id == null) {
      return Future.failedFuture(new IllegalArgumentException("a run document needs a runId"));
    }
    return map().compose(m -> m.put(id, run.copy(), TTL)).timeout(5, TimeUnit.SECONDS);
  }

  @Override
  public Future<JsonObject> get(String runId) {
    return map().compose(m -> m.get(runId)).timeout(5, TimeUnit.SECONDS);
  }

  @Override
  public Future<List<JsonObject>> recent(int limit) {
    return map().compose(AsyncMap::values).timeout(5, TimeUnit.SECONDS).map(all -> all.stream()
        .sorted(Comparator.comparingLong((JsonObject r) -> r.getLong("startedAtMillis", 0L)).reversed())
        .limit(limit).toList());
  }
}
