package io.agentbus.node;

/**
 * Where the llm verticle keeps runs, publishes events and keeps context snapshots.
 *
 * @param store {@code memory} (shared data) or {@code firestore} (runs and handoff offers)
 * @param events {@code bus} (agent topics) or {@code pubsub} (the bus topics and Pub/Sub)
 * @param snapshots {@code memory} (shared data) or {@code gcs} (Cloud Storage)
 * @param gcpProject the Google Cloud project (required when any of them is on Google Cloud)
 * @param workspace the Pub/Sub topic prefix
 */
public record LlmBackends(String store, String events, String snapshots, String gcpProject, String workspace) {

  /** Everything local: no Google Cloud. */
  public static final LlmBackends LOCAL = new LlmBackends("memory", "bus", "memory", null, "agentbus");

  /** @return whether any backend is on Google Cloud */
  public boolean usesGcp() {
    return store.equals("firestore") || events.equals("pubsub") || snapshots.equals("gcs");
  }
}
