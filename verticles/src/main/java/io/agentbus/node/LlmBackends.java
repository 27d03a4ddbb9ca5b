package io.agentbus.node;

/**
 * Where the llm verticle keeps runs, publishes events and keeps context snapshots.
 *
 * @param store {@code memory} (shared data) or {@code firestore} (runs and handoff offers)
 * @param events {@code bus} (agent topics) or {@code pubsub} (the bus topics and Pub/Sub)
 * @param snapshots {@code memory} (shared data) or {@code gcs} (Cloud Storage)
 * @param gcpProject the Google Cloud project (required when any of them is on Google Cloud)
 * @param workspace the Pub/Sub topic prefix
 * @param environment the emulator variables read at start ({@code FIRESTORE_EMULATOR_HOST},
 *     {@code PUBSUB_EMULATOR_HOST}, {@code STORAGE_EMULATOR_HOST}, {@code GOOGLE_CLOUD_PROJECT})
 */
public record LlmBackends(String store, String events, String snapshots, String gcpProject, String workspace,
                          java.util.Map<String, String> environment) {

  /** The environment variables the Google Cloud adapter reads. */
  static final java.util.List<String> VARIABLES = java.util.List.of("FIRESTORE_EMULATOR_HOST", "PUBSUB_EMULATOR_HOST",
      "STORAGE_EMULATOR_HOST", "GOOGLE_CLOUD_PROJECT");

  /** Copies. */
  public LlmBackends {
    environment = java.util.Map.copyOf(environment);
  }

  /** @return whether any backend is on Google Cloud */
  public boolean usesGcp() {
    return store.equals("firestore") || events.equals("pubsub") || snapshots.equals("gcs");
  }
}
