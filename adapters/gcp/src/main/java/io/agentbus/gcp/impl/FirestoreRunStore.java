package io.agentbus.gcp.impl;

import com.google.cloud.firestore.CollectionReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.WriteBatch;
import io.agentbus.llm.agent.RunStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link RunStore} on Firestore: one document per run in {@code agent_runs} (its metadata as
 * fields one can query, the whole run as JSON in {@code document}) and one small document per
 * model call and per tool call in {@code interactions} ({@code runId}, {@code seq}, {@code kind}
 * and the interaction as JSON). JSON is kept as text because Firestore refuses what JSON allows
 * (arrays of arrays, empty or dotted field names).
 */
public final class FirestoreRunStore implements RunStore {

  /** Runs. */
  public static final String RUNS = "agent_runs";
  /** Model and tool calls. */
  public static final String INTERACTIONS = "interactions";
  /** Firestore's limit is 1 MiB per document; a run larger than this keeps its metadata only. */
  static final int MAX_DOCUMENT_CHARS = 900_000;
  private static final int BATCH = 400;
  private static final long OP_TIMEOUT_MILLIS = 10_000;

  private final Bridge bridge;
  private final CollectionReference runs;
  private final CollectionReference interactions;

  /**
   * @param bridge futures and worker threads
   * @param firestore the client
   */
  public FirestoreRunStore(Bridge bridge, Firestore firestore) {
    this.bridge = bridge;
    this.runs = firestore.collection(RUNS);
    this.interactions = firestore.collection(INTERACTIONS);
  }

  /**
   * @return the id
   * @throws IllegalArgumentException when Firestore could not take it as a document id
   */
  static String checkId(String id) {
    if (id == null || !id.matches("[A-Za-z0-9_.:-]{1,200}") || id.equals(".") || id.equals("..") || id.matches("__.*__")) {
      throw new IllegalArgumentException("a run id is 1-200 letters, digits or _.:- (as a Firestore document id), got '" + id + "'");
    }
    return id;
  }

  @Override
  public Future<Void> save(JsonObject run) {
    String id;
    try {
      id = checkId(run.getString("runId"));
    } catch (IllegalArgumentException | ClassCastException e) {
      return Future.failedFuture(new IllegalArgumentException("a run document needs a runId: " + e.getMessage()));
    }
    JsonArray calls = run.getJsonArray("interactions", new JsonArray());
    JsonObject meta = run.copy();
    meta.remove("interactions");
    Map<String, Object> fields = new HashMap<>();
    fields.put("runId", id);
    fields.put("agent", run.getString("agent"));
    fields.put("startedAtMillis", run.getLong("startedAtMillis", 0L));
    fields.put("finishedAtMillis", run.getLong("finishedAtMillis"));
    JsonObject result = run.getJsonObject("result");
    fields.put("exit", result == null ? null : result.getString("exit"));
    fields.put("totalTokens", result == null ? null : result.getLong("totalTokens"));
    fields.put("interactionCount", calls.size());
    fields.put("document", bounded(meta, id));
    return bridge.of(runs.document(id).get()).compose(previous -> {
      long before = previous.exists() && previous.getLong("interactionCount") != null ? previous.getLong("interactionCount") : 0;
      List<Map<String, Object>> docs = new ArrayList<>();
      for (int i = 0; i < calls.size(); i++) {
        JsonObject call = calls.getJsonObject(i);
        Map<String, Object> d = new HashMap<>();
        d.put("runId", id);
        d.put("seq", i);
        d.put("kind", call.getString("kind"));
        d.put("document", bounded(call, id + "#" + i));
        docs.add(d);
      }
      List<Future<?>> writes = new ArrayList<>();
      WriteBatch batch = runs.getFirestore().batch();
      int inBatch = 0;
      for (int i = 0; i < docs.size(); i++) {
        batch.set(interactions.document(id + "-" + i), docs.get(i));
        if (++inBatch == BATCH) {
          writes.add(bridge.of(batch.commit()));
          batch = runs.getFirestore().batch();
          inBatch = 0;
        }
      }
      for (long i = docs.size(); i < before; i++) {
        batch.delete(interactions.document(id + "-" + i));
      }
      batch.set(runs.document(id), fields);
      writes.add(bridge.of(batch.commit()));
      return Future.all(writes).<Void>mapEmpty();
    }).timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static String bounded(JsonObject json, String what) {
    String encoded = json.encode();
    if (encoded.length() <= MAX_DOCUMENT_CHARS) {
      return encoded;
    }
    JsonObject stub = new JsonObject().put("truncated", true).put("chars", encoded.length());
    for (String key : List.of("runId", "agent", "startedAtMillis", "finishedAtMillis", "kind", "iteration", "tool", "outcome")) {
      if (json.containsKey(key)) {
        stub.put(key, json.getValue(key));
      }
    }
    org.slf4j.LoggerFactory.getLogger(FirestoreRunStore.class)
        .warn("{} is {} characters, over Firestore's document limit: kept its metadata only", what, encoded.length());
    return stub.encode();
  }

  @Override
  public Future<JsonObject> get(String runId) {
    try {
      checkId(runId);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(null);  // no such run can exist
    }
    return bridge.of(runs.document(runId).get()).compose(snap -> snap.exists() ? assemble(snap) : Future.succeededFuture(null))
        .timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  private Future<JsonObject> assemble(DocumentSnapshot snap) {
    String id = snap.getId();
    JsonObject doc = new JsonObject(snap.getString("document"));
    long count = snap.getLong("interactionCount") == null ? 0 : snap.getLong("interactionCount");
    // equality only: needs no composite index; ordered here by seq
    return bridge.of(interactions.whereEqualTo("runId", id).get()).map(qs -> {
      List<QueryDocumentSnapshot> list = new ArrayList<>(qs.getDocuments());
      list.sort(Comparator.comparingLong(d -> d.getLong("seq")));
      JsonArray calls = new JsonArray();
      for (QueryDocumentSnapshot d : list) {
        if (d.getLong("seq") < count) {
          calls.add(new JsonObject(d.getString("document")));
        }
      }
      return doc.put("interactions", calls);
    });
  }

  @Override
  public Future<List<JsonObject>> recent(int limit) {
    if (limit <= 0) {
      return Future.succeededFuture(List.of());
    }
    return bridge.of(runs.orderBy("startedAtMillis", Query.Direction.DESCENDING).limit(Math.min(limit, 1000)).get())
        .compose(qs -> {
          List<Future<JsonObject>> docs = qs.getDocuments().stream().map(this::assemble).toList();
          return Future.all(docs).map(all -> docs.stream().map(Future::result).toList());
        }).timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** @return a read that succeeds when Firestore answers (for the node's start-up check) */
  public Future<Void> ping() {
    return bridge.of(runs.limit(1).get()).<Void>mapEmpty().timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }
}
