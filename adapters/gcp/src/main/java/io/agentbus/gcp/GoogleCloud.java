package io.agentbus.gcp;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.NoCredentials;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOpenTelemetryOptions;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.agentbus.gcp.impl.Bridge;
import io.agentbus.gcp.impl.FirestoreOfferLedger;
import io.agentbus.gcp.impl.FirestoreRunStore;
import io.agentbus.gcp.impl.GcsSnapshotStore;
import io.agentbus.gcp.impl.PubSubEventSink;
import io.agentbus.llm.agent.RunStore;
import io.agentbus.llm.events.EventSink;
import io.agentbus.llm.handoff.HandoffMarket;
import io.agentbus.llm.handoff.OfferLedger;
import io.agentbus.llm.snapshot.SnapshotStore;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * agentbus's LLM stores on Google Cloud, from one set of {@link GcpOptions}: runs and handoff
 * offers on Firestore, intentions, tool audit and offers on Pub/Sub, context snapshots on Cloud
 * Storage. Clients are made on first use and closed by {@link #close()}; no call blocks an event
 * loop (Firestore and Pub/Sub futures are bridged, Cloud Storage runs on worker threads).
 *
 * <pre>{@code
 * GoogleCloud gcp = GoogleCloud.create(vertx, GcpOptions.fromEnvironment(System.getenv()).setProject("p"));
 * LlmAgents.install(runtime, client, ledger, HandoffMarket.on(vertx, clock, gcp.offerLedger()),
 *     gcp.runStore(), gcp.snapshotStore().await(), EventSink.all(EventSink.bus(runtime), gcp.eventSink(market).await()), clock);
 * }</pre>
 */
public final class GoogleCloud {

  private final GcpOptions options;
  private final Bridge bridge;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Firestore firestore;
  private Storage storage;
  private ManagedChannel pubsubChannel;
  private PubSubEventSink sink;

  private GoogleCloud(Vertx vertx, GcpOptions options) {
    options.validate();
    this.options = options;
    this.bridge = new Bridge(vertx);
  }

  /**
   * @param vertx the node's Vert.x
   * @param options project, workspace, emulators
   * @return the backends (nothing is contacted yet)
   * @throws IllegalArgumentException when the options lack a project
   */
  public static GoogleCloud create(Vertx vertx, GcpOptions options) {
    return new GoogleCloud(vertx, options);
  }

  /** @return the options */
  public GcpOptions options() {
    return options;
  }

  private synchronized Firestore firestore() {
    if (firestore == null) {
      FirestoreOptions.Builder b = FirestoreOptions.newBuilder().setProjectId(options.getProject());
      if (options.getOpenTelemetry() != io.opentelemetry.api.OpenTelemetry.noop()) {
        b.setOpenTelemetryOptions(FirestoreOpenTelemetryOptions.newBuilder().setOpenTelemetry(options.getOpenTelemetry()).build());
      }
      if (options.getFirestoreEmulatorHost() != null) {
        b.setEmulatorHost(options.getFirestoreEmulatorHost());
      }
      firestore = b.build().getService();
      closeables.add(firestore);
    }
    return firestore;
  }

  private synchronized Storage storage() {
    if (storage == null) {
      StorageOptions.Builder b = StorageOptions.http().setProjectId(options.getProject());
      if (options.getOpenTelemetry() != io.opentelemetry.api.OpenTelemetry.noop()) {
        b.setOpenTelemetry(options.getOpenTelemetry());
      }
      if (options.getStorageEmulatorHost() != null) {
        b.setHost(options.getStorageEmulatorHost()).setCredentials(NoCredentials.getInstance());
      }
      storage = b.build().getService();
    }
    return storage;
  }

  /** @return runs in Firestore ({@code agent_runs}, {@code interactions}) */
  public RunStore runStore() {
    return new FirestoreRunStore(bridge, firestore());
  }

  /** @return handoff offers and claims in Firestore ({@code handoff_offers}), for {@link HandoffMarket#on} */
  public OfferLedger offerLedger() {
    return new FirestoreOfferLedger(bridge, firestore());
  }

  /** @return snapshots in Cloud Storage (bucket {@link GcpOptions#getSnapshotBucket()}, created when absent) */
  public Future<SnapshotStore> snapshotStore() {
    GcsSnapshotStore store = new GcsSnapshotStore(bridge, storage(), options.getSnapshotBucket());
    return store.ensureBucket().map(store);
  }

  /**
   * @param market where other deployments' offers are adopted (null: none are)
   * @return the Pub/Sub sink, its topics and subscription created when absent
   */
  public synchronized Future<EventSink> eventSink(HandoffMarket market) {
    TransportChannelProvider channels = null;
    CredentialsProvider credentials = null;
    if (options.getPubSubEmulatorHost() != null) {
      if (pubsubChannel == null) {
        pubsubChannel = ManagedChannelBuilder.forTarget(options.getPubSubEmulatorHost()).usePlaintext().build();
      }
      channels = FixedTransportChannelProvider.create(GrpcTransportChannel.create(pubsubChannel));
      credentials = NoCredentialsProvider.create();
    }
    sink = new PubSubEventSink(bridge, options.getProject(), options.getWorkspace(), options.getDeployment(), channels,
        credentials).withOpenTelemetry(options.getOpenTelemetry());
    return sink.start(market).map(s -> s);
  }

  /** @return how many offers of other deployments were adopted (0 without a Pub/Sub sink) */
  public long importedOffers() {
    PubSubEventSink s = sink;
    return s == null ? 0 : s.importedOffers();
  }

  /** @return done when Firestore answers a read (for a start-up check) */
  public Future<Void> pingFirestore() {
    return new FirestoreRunStore(bridge, firestore()).ping();
  }

  /** Closes the clients this made (event sinks and stores close themselves). */
  public Future<Void> close() {
    return bridge.blocking(() -> {
      for (AutoCloseable c : closeables) {
        c.close();
      }
      if (storage != null) {
        storage.close();
      }
      if (pubsubChannel != null) {
        pubsubChannel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
      }
      return null;
    });
  }
}
