package io.agentbus.gcp;

import io.opentelemetry.api.OpenTelemetry;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Where agentbus's Google Cloud backends are: the project, the workspace (the prefix of the
 * Pub/Sub topics), the emulators when testing, and the OpenTelemetry instance the clients report
 * to. Outside emulators the clients use Application Default Credentials.
 *
 * <pre>{@code
 * GcpOptions options = GcpOptions.fromEnvironment(System.getenv()).setProject("my-project").setWorkspace("grid-ops");
 * }</pre>
 */
public final class GcpOptions {

  private String project;
  private String workspace = "agentbus";
  private String deployment = "d" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private String firestoreEmulatorHost;
  private String pubSubEmulatorHost;
  private String storageEmulatorHost;
  private String snapshotBucket;
  private OpenTelemetry openTelemetry = OpenTelemetry.noop();

  /**
   * @param env the environment (normally {@code System.getenv()})
   * @return options with the project from {@code GOOGLE_CLOUD_PROJECT} and the emulators from
   *     {@code FIRESTORE_EMULATOR_HOST}, {@code PUBSUB_EMULATOR_HOST} and {@code STORAGE_EMULATOR_HOST}
   *     (the Java clients honour only the first by themselves; this adapter honours all three)
   */
  public static GcpOptions fromEnvironment(Map<String, String> env) {
    GcpOptions o = new GcpOptions();
    o.project = blankToNull(env.get("GOOGLE_CLOUD_PROJECT"));
    o.firestoreEmulatorHost = blankToNull(env.get("FIRESTORE_EMULATOR_HOST"));
    o.pubSubEmulatorHost = blankToNull(env.get("PUBSUB_EMULATOR_HOST"));
    o.storageEmulatorHost = blankToNull(env.get("STORAGE_EMULATOR_HOST"));
    return o;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** @return the project id (required) */
  public String getProject() {
    return project;
  }

  /** @param project the project id */
  public GcpOptions setProject(String project) {
    this.project = project;
    return this;
  }

  /** @return the workspace: Pub/Sub topics {@code {workspace}}, {@code {workspace}-tools}, {@code {workspace}-handoff} */
  public String getWorkspace() {
    return workspace;
  }

  /**
   * @param workspace 3-200 characters, starting with a letter: letters, digits and {@code -_.~+%}
   * @throws IllegalArgumentException otherwise (Pub/Sub's rule for topic names)
   */
  public GcpOptions setWorkspace(String workspace) {
    Objects.requireNonNull(workspace, "workspace");
    if (!workspace.matches("[A-Za-z][A-Za-z0-9._~+%-]{2,199}") || workspace.startsWith("goog")) {
      throw new IllegalArgumentException("a workspace is 3-200 characters, starts with a letter (not 'goog') and has only "
          + "letters, digits and -_.~+%, got '" + workspace + "'");
    }
    this.workspace = workspace;
    return this;
  }

  /**
   * @return this deployment's name: the Pub/Sub subscription that brings other deployments' handoff
   *     offers is {@code {workspace}-handoff-{deployment}} (one per cluster: its nodes share it),
   *     and our own offers carry it so we do not import them back
   */
  public String getDeployment() {
    return deployment;
  }

  /** @param deployment 1-40 letters, digits or {@code -_} (the node uses its cluster namespace) */
  public GcpOptions setDeployment(String deployment) {
    Objects.requireNonNull(deployment, "deployment");
    if (!deployment.matches("[A-Za-z0-9_-]{1,40}")) {
      throw new IllegalArgumentException("a deployment name is 1-40 letters, digits, - or _, got '" + deployment + "'");
    }
    this.deployment = deployment;
    return this;
  }

  /** @return {@code host:port} of a Firestore emulator, or null */
  public String getFirestoreEmulatorHost() {
    return firestoreEmulatorHost;
  }

  /** @param host {@code host:port} of a Firestore emulator, or null for the real service */
  public GcpOptions setFirestoreEmulatorHost(String host) {
    this.firestoreEmulatorHost = host;
    return this;
  }

  /** @return {@code host:port} of a Pub/Sub emulator, or null */
  public String getPubSubEmulatorHost() {
    return pubSubEmulatorHost;
  }

  /** @param host {@code host:port} of a Pub/Sub emulator, or null for the real service */
  public GcpOptions setPubSubEmulatorHost(String host) {
    this.pubSubEmulatorHost = host;
    return this;
  }

  /** @return the base URL of a Cloud Storage emulator, or null */
  public String getStorageEmulatorHost() {
    return storageEmulatorHost;
  }

  /** @param host the base URL ({@code http://host:port}, or {@code host:port}) of a Cloud Storage emulator, or null */
  public GcpOptions setStorageEmulatorHost(String host) {
    this.storageEmulatorHost = host == null || host.contains("://") ? host : "http://" + host;
    return this;
  }

  /** @return the snapshot bucket: set, or {@code {project}-agent-context} */
  public String getSnapshotBucket() {
    return snapshotBucket != null ? snapshotBucket : project + "-agent-context";
  }

  /** @param bucket the bucket context snapshots go to (default {@code {project}-agent-context}) */
  public GcpOptions setSnapshotBucket(String bucket) {
    this.snapshotBucket = bucket;
    return this;
  }

  /** @return the OpenTelemetry the clients report spans to (default: no-op) */
  public OpenTelemetry getOpenTelemetry() {
    return openTelemetry;
  }

  /** @param openTelemetry the OpenTelemetry the clients report spans to */
  public GcpOptions setOpenTelemetry(OpenTelemetry openTelemetry) {
    this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
    return this;
  }

  /** @throws IllegalArgumentException when the project is missing */
  void validate() {
    if (project == null || project.isBlank()) {
      throw new IllegalArgumentException("no Google Cloud project: set one (--gcp-project or GOOGLE_CLOUD_PROJECT)");
    }
  }
}
