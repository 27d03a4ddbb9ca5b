package io.agentbus.llm.snapshot.impl;

import io.agentbus.llm.impl.LazyAsyncMap;
import io.agentbus.llm.snapshot.ContextSnapshot;
import io.agentbus.llm.snapshot.SnapshotConflictException;
import io.agentbus.llm.snapshot.SnapshotRef;
import io.agentbus.llm.snapshot.SnapshotStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.concurrent.TimeUnit;

/**
 * {@link SnapshotStore} in a Vert.x async map (Hazelcast's when clustered): each entry is
 * {@code {generation, snapshot}}; a write with generation 0 is a {@code putIfAbsent}, any other a
 * {@code replaceIfPresent} of the exact entry read, so conditional writes are atomic cluster-wide.
 */
public final class SharedDataSnapshotStore implements SnapshotStore {

  private static final String PREFIX = "shared:";
  private static final long TTL = TimeUnit.DAYS.toMillis(1);
  private static final long OP_TIMEOUT_MILLIS = 5_000;
  private final LazyAsyncMap<String, JsonObject> map;

  /** @param vertx the node's Vert.x */
  public SharedDataSnapshotStore(Vertx vertx) {
    this.map = new LazyAsyncMap<>(vertx, "agentbus.llm.snapshots");
  }

  private Future<AsyncMap<String, JsonObject>> map() {
    return map.get();
  }

  @Override
  public String uriOf(String key) {
    return PREFIX + SnapshotStore.checkKey(key);
  }

  @Override
  public Future<SnapshotRef> save(String key, ContextSnapshot snapshot, long expectedGeneration) {
    String uri;
    try {
      uri = uriOf(key);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    long next = expectedGeneration + 1;
    JsonObject entry = new JsonObject().put("generation", next).put("snapshot", snapshot.toJson());
    if (expectedGeneration == 0) {
      return map().compose(m -> m.putIfAbsent(key, entry, TTL)).timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
          .compose(prev -> prev == null ? Future.succeededFuture(new SnapshotRef(uri, next))
              : Future.failedFuture(new SnapshotConflictException("snapshot " + uri + " exists (generation "
                  + prev.getLong("generation") + "); expected none")));
    }
    return map().compose(m -> m.get(key).compose(current -> {
      if (current == null || current.getLong("generation", 0L) != expectedGeneration) {
        return Future.failedFuture(new SnapshotConflictException("snapshot " + uri + " is at generation "
            + (current == null ? "none" : current.getLong("generation")) + "; expected " + expectedGeneration));
      }
      return m.replaceIfPresent(key, current, entry, TTL).compose(ok -> ok ? Future.succeededFuture(new SnapshotRef(uri, next))
          : Future.failedFuture(new SnapshotConflictException("snapshot " + uri + " was written concurrently; expected generation "
              + expectedGeneration)));
    })).timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<Versioned> load(String uri) {
    if (uri == null || !uri.startsWith(PREFIX)) {
      return Future.failedFuture(new IllegalArgumentException("not a shared-data snapshot uri: " + uri));
    }
    String key = uri.substring(PREFIX.length());
    return map().compose(m -> m.get(key)).timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).compose(entry -> {
      if (entry == null) {
        return Future.succeededFuture(null);
      }
      try {
        return Future.succeededFuture(new Versioned(ContextSnapshot.fromJson(entry.getJsonObject("snapshot")),
            new SnapshotRef(uri, entry.getLong("generation"))));
      } catch (RuntimeException e) {
        return Future.failedFuture(new IllegalArgumentException("snapshot " + uri + " is unreadable: " + e.getMessage(), e));
      }
    });
  }
}
