package io.agentbus.llm.snapshot;

import io.agentbus.llm.snapshot.impl.SharedDataSnapshotStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Where run contexts are kept between agents: a run saves its {@link ContextSnapshot} when it
 * hands off (the offer carries the {@link SnapshotRef#uri()}) and when it ends; the claimer of a
 * handoff loads it and continues. Writes are conditional, so two writers never lose each other's
 * update silently: one of them gets a {@link SnapshotConflictException}.
 *
 * <p>Implementations: {@link #shared(Vertx)} (the cluster's shared data, the default) and
 * Cloud Storage ({@code io.agentbus.gcp.GcsSnapshotStore}, module {@code agentbus-gcp}).
 */
public interface SnapshotStore {

  /**
   * Writes a snapshot under {@code key}.
   *
   * @param key the snapshot's name (a run id: letters, digits, {@code -_.:/})
   * @param snapshot what to keep
   * @param expectedGeneration 0 when the snapshot must not exist yet, otherwise the generation the
   *     writer read
   * @return the new version; failed with {@link SnapshotConflictException} when another write came
   *     first, {@link IllegalArgumentException} for a bad key
   */
  Future<SnapshotRef> save(String key, ContextSnapshot snapshot, long expectedGeneration);

  /**
   * @param uri a {@link SnapshotRef#uri()} this store handed out
   * @return the snapshot, or null when there is none; failed with {@link IllegalArgumentException}
   *     for a uri of another store or a document that is not a snapshot
   */
  Future<Versioned> load(String uri);

  /** @return the uri a key is kept under in this store */
  String uriOf(String key);

  /** Releases the store's clients. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** A snapshot with its version. */
  record Versioned(ContextSnapshot snapshot, SnapshotRef ref) {
  }

  /**
   * @param key a candidate key
   * @return the key
   * @throws IllegalArgumentException when it is empty, longer than 512 characters or has other
   *     characters than letters, digits and {@code -_.:/}
   */
  static String checkKey(String key) {
    if (key == null || key.isEmpty() || key.length() > 512 || !key.matches("[A-Za-z0-9_.:/-]+") || key.contains("..")) {
      throw new IllegalArgumentException("a snapshot key is 1-512 letters, digits or -_.:/ (no '..'), got '" + key + "'");
    }
    return key;
  }

  /**
   * @param vertx the node's Vert.x (a Hazelcast map when clustered)
   * @return the default store; snapshots expire after a day
   */
  static SnapshotStore shared(Vertx vertx) {
    return new SharedDataSnapshotStore(vertx);
  }
}
