package io.agentbus.gcp.impl;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import io.agentbus.llm.snapshot.ContextSnapshot;
import io.agentbus.llm.snapshot.SnapshotConflictException;
import io.agentbus.llm.snapshot.SnapshotRef;
import io.agentbus.llm.snapshot.SnapshotStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/**
 * {@link SnapshotStore} on Cloud Storage: one JSON object per snapshot,
 * {@code gs://{bucket}/snapshots/{key}.json}. A first write is preconditioned on the object not
 * existing, an update on the generation the writer read (HTTP 412 otherwise), so no update is
 * lost. The client blocks, so every call runs on a worker thread.
 */
public final class GcsSnapshotStore implements SnapshotStore {

  private static final String PREFIX = "snapshots/";
  private final Bridge bridge;
  private final Storage storage;
  private final String bucket;

  /**
   * @param bridge futures and worker threads
   * @param storage the client
   * @param bucket the bucket (created by {@link #ensureBucket()})
   */
  public GcsSnapshotStore(Bridge bridge, Storage storage, String bucket) {
    this.bridge = bridge;
    this.storage = storage;
    this.bucket = bucket;
  }

  /** @return done when the bucket exists (created if absent) */
  public Future<Void> ensureBucket() {
    return bridge.blocking(() -> {
      if (storage.get(bucket) == null) {
        try {
          storage.create(BucketInfo.of(bucket));
        } catch (StorageException e) {
          if (e.getCode() != 409) {  // created meanwhile by another node
            throw e;
          }
        }
      }
      return null;
    });
  }

  @Override
  public String uriOf(String key) {
    return "gs://" + bucket + "/" + PREFIX + SnapshotStore.checkKey(key) + ".json";
  }

  @Override
  public Future<SnapshotRef> save(String key, ContextSnapshot snapshot, long expectedGeneration) {
    String uri;
    try {
      uri = uriOf(key);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (expectedGeneration < 0) {
      return Future.failedFuture(new IllegalArgumentException("expected generation is 0 or more, got " + expectedGeneration));
    }
    byte[] bytes = snapshot.toJson().encode().getBytes(StandardCharsets.UTF_8);
    BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, PREFIX + key + ".json")).setContentType("application/json").build();
    Storage.BlobTargetOption condition = expectedGeneration == 0 ? Storage.BlobTargetOption.doesNotExist()
        : Storage.BlobTargetOption.generationMatch(expectedGeneration);
    return bridge.blocking(() -> {
      try {
        Blob blob = storage.create(info, bytes, condition);
        return new SnapshotRef(uri, blob.getGeneration());
      } catch (StorageException e) {
        if (e.getCode() == 412) {
          throw new SnapshotConflictException("snapshot " + uri + " was written by someone else (expected "
              + (expectedGeneration == 0 ? "no object" : "generation " + expectedGeneration) + ")");
        }
        throw e;
      }
    });
  }

  @Override
  public Future<Versioned> load(String uri) {
    String prefix = "gs://" + bucket + "/" + PREFIX;
    if (uri == null || !uri.startsWith(prefix) || !uri.endsWith(".json")) {
      return Future.failedFuture(new IllegalArgumentException("not a snapshot of bucket " + bucket + ": " + uri));
    }
    String name = uri.substring(("gs://" + bucket + "/").length());
    return bridge.blocking(() -> {
      Blob blob = storage.get(BlobId.of(bucket, name));
      if (blob == null) {
        return null;
      }
      byte[] content = blob.getContent(Blob.BlobSourceOption.generationMatch());
      ContextSnapshot snapshot;
      try {
        snapshot = ContextSnapshot.fromJson(new JsonObject(new String(content, StandardCharsets.UTF_8)));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("snapshot " + uri + " is unreadable: " + e.getMessage(), e);
      }
      return new Versioned(snapshot, new SnapshotRef(uri, blob.getGeneration()));
    });
  }

  @Override
  public Future<Void> close() {
    return bridge.blocking(() -> {
      storage.close();
      return null;
    });
  }
}
