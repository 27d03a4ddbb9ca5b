package io.agentbus.node;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeInfo;
import io.agentbus.gcp.GcpOptions;
import io.agentbus.gcp.GoogleCloud;
import io.agentbus.llm.LlmClient;
import io.agentbus.llm.OpenAiOptions;
import io.agentbus.llm.RiskLevel;
import io.agentbus.llm.ToolSpec;
import io.agentbus.llm.agent.LlmAgents;
import io.agentbus.llm.agent.RunStore;
import io.agentbus.llm.events.EventSink;
import io.agentbus.llm.handoff.HandoffMarket;
import io.agentbus.llm.handoff.OfferLedger;
import io.agentbus.llm.local.LocalModel;
import io.agentbus.llm.local.LocalModelOptions;
import io.agentbus.llm.local.OpenAiEndpoint;
import io.agentbus.llm.loop.Budget;
import io.agentbus.llm.loop.BudgetLedger;
import io.agentbus.llm.loop.Guardrails;
import io.agentbus.llm.loop.LoopOptions;
import io.agentbus.llm.loop.PriceTable;
import io.agentbus.llm.loop.Tool;
import io.agentbus.llm.snapshot.SnapshotStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The node's LLM agents ({@code --verticles llm}): an {@code assistant} type on every node with
 * the llm verticle, tools that read the market and the cluster, the configured budget (one scope
 * for the whole cluster), default guardrails; the model remote or local ({@code --llm-local}), the
 * stores in shared data or on Google Cloud ({@code --llm-store}, {@code --llm-events},
 * {@code --llm-snapshots}).
 */
final class LlmSetup {

  /** The agent type the node registers. */
  static final String ASSISTANT = "assistant";
  private static final long BACKEND_CHECK_SECONDS = 20;

  private LlmSetup() {
  }

  static Future<LlmRuntime> start(Node node, AgentRuntime runtime, LlmConfig config, MarketVerticle market,
                                  io.opentelemetry.api.OpenTelemetry otel, io.micrometer.core.instrument.MeterRegistry registry) {
    Vertx vertx = node.vertx();
    Clock clock = Clock.systemUTC();
    List<Supplier<Future<Void>>> closers = new ArrayList<>();
    Future<LocalModel> local = config.localModel() == null ? Future.succeededFuture(null)
        : LocalModel.load(vertx, new LocalModelOptions(Path.of(config.localModel())).setMaxQueue(config.localQueue()))
            .recover(err -> Future.failedFuture(new BackendUnavailableException("--llm-local: the model at " + config.localModel()
                + " could not be loaded: " + err.getMessage(), err)));
    return local.compose(model -> {
      if (model == null) {
        return Future.succeededFuture(new Object[] {null, config.baseUrl()});
      }
      closers.add(model::close);
      return OpenAiEndpoint.start(vertx, model, "127.0.0.1", 0).map(e -> {
        closers.add(0, e::close);
        return new Object[] {model, e.baseUrl("127.0.0.1")};
      });
    }).compose(modelAndUrl -> {
      LocalModel model = (LocalModel) modelAndUrl[0];
      String url = (String) modelAndUrl[1];
      LlmClient client = LlmClient.openAi(vertx, new OpenAiOptions().setBaseUrl(url).setApiKey(config.apiKey()));
      return backends(node, runtime, config.backends(), clock, closers, otel)
          .compose(b -> {
            var limited = EventSink.rateLimited(b.events, config.maxBroadcastsPerSecond(), 2 * config.maxBroadcastsPerSecond());
            io.micrometer.core.instrument.FunctionCounter.builder("agentbus.llm.broadcasts.dropped", limited,
                    EventSink.RateLimited::dropped)
                .description("Intentions and tool-audit records not published: over --llm-max-broadcasts-per-second")
                .register(registry);
            return LlmAgents.install(runtime, client, BudgetLedger.shared(vertx, clock), b.market, b.runs, b.snapshots, limited, clock);
          })
          .map(llm -> llm.telemetry(io.agentbus.llm.loop.LoopTelemetry.of(otel, registry)))
          .compose(llm -> llm.register(ASSISTANT, options(node, config, market), Set.of("chat", "market"),
              io.agentbus.agent.RegistrationOptions.defaults().withIdleTimeout(java.time.Duration.ofSeconds(config.idleSeconds()))
                  .withMaxActive(config.maxActiveAgents())).map(v -> new LlmRuntime(llm, url, model, closers)));
    }).onFailure(err -> closers.forEach(Supplier::get));
  }

  private static LoopOptions options(Node node, LlmConfig config, MarketVerticle market) {
    Budget budget = new Budget().setScope("assistant").setMaxDailyCostUsd(config.maxDailyCostUsd())
        .setMaxTokensPerRun(config.maxTokensPerRun()).setMaxToolCallsPerMinute(config.maxToolCallsPerMinute())
        .setPrices(PriceTable.empty().price(config.model(), config.promptPricePer1k(), config.completionPricePer1k()));
    return new LoopOptions().setModel(config.model()).setBudget(budget)
        .setMaxTokensPerCall(config.maxTokensPerCall()).setHandoffs(true)
        .setInstructions("You are the operator's assistant for an agentbus cluster running a multi-microgrid market. "
            + "Use the tools to read the market and the cluster; answer briefly.")
        .setGuardrails(Guardrails.of(RiskLevel.MEDIUM, List.of("(?i)ignore (all|previous) instructions", "\\b\\d{3}-\\d{2}-\\d{4}\\b")))
        .addTool(Tool.of(new ToolSpec("market_state", "The latest market step: price, trades and per-microgrid results.",
            new JsonObject().put("type", "object").put("properties", new JsonObject()), RiskLevel.LOW), args -> {
              JsonObject latest = market == null ? null : market.latest();
              return latest == null ? new JsonObject().put("error", "no market step seen on this node yet") : latest;
            }))
        .addTool(Tool.of(new ToolSpec("cluster_nodes", "The nodes of the cluster with their cores, memory and labels.",
            new JsonObject().put("type", "object").put("properties", new JsonObject()), RiskLevel.LOW), args -> {
              JsonArray nodes = new JsonArray();
              for (NodeInfo i : node.knownMembers()) {
                nodes.add(i.toJson());
              }
              return new JsonObject().put("nodes", nodes);
            }));
  }

  /** The stores the configuration names. */
  private static final class Backends {
    HandoffMarket market;
    RunStore runs;
    SnapshotStore snapshots;
    EventSink events;
  }

  private static Future<Backends> backends(Node node, AgentRuntime runtime, LlmBackends config, Clock clock,
                                           List<Supplier<Future<Void>>> closers, io.opentelemetry.api.OpenTelemetry otel) {
    Vertx vertx = node.vertx();
    Backends b = new Backends();
    if (!config.usesGcp()) {
      b.market = HandoffMarket.shared(node, clock);
      b.runs = RunStore.shared(vertx);
      b.snapshots = SnapshotStore.shared(vertx);
      b.events = EventSink.bus(runtime);
      return Future.succeededFuture(b);
    }
    return deployment(node).compose(deployment -> {
      GcpOptions options = GcpOptions.fromEnvironment(config.environment()).setProject(config.gcpProject())
          .setWorkspace(config.workspace()).setDeployment(deployment).setOpenTelemetry(otel);
      GoogleCloud gcp = GoogleCloud.create(vertx, options);
      closers.add(gcp::close);
      String where = " (project " + config.gcpProject() + ")";
      Future<Void> store;
      if (config.store().equals("firestore")) {
        OfferLedger ledger = gcp.offerLedger();
        b.market = HandoffMarket.on(node, clock, ledger);
        b.runs = gcp.runStore();
        store = check(gcp.pingFirestore(), "--llm-store firestore: Firestore"
            + (options.getFirestoreEmulatorHost() != null ? " at " + options.getFirestoreEmulatorHost() : "") + where);
      } else {
        b.market = HandoffMarket.shared(node, clock);
        b.runs = RunStore.shared(vertx);
        store = Future.succeededFuture();
      }
      Future<Void> snapshots = config.snapshots().equals("gcs")
          ? check(gcp.snapshotStore().map(s -> {
              b.snapshots = s;
              return null;
            }), "--llm-snapshots gcs: Cloud Storage bucket " + options.getSnapshotBucket()
              + (options.getStorageEmulatorHost() != null ? " at " + options.getStorageEmulatorHost() : "") + where)
          : Future.succeededFuture();
      if (!config.snapshots().equals("gcs")) {
        b.snapshots = SnapshotStore.shared(vertx);
      }
      return Future.all(store, snapshots).compose(v -> config.events().equals("pubsub")
          ? check(gcp.eventSink(b.market).map(sink -> {
              b.events = EventSink.all(EventSink.bus(runtime), sink);
              return null;
            }), "--llm-events pubsub: Pub/Sub topics " + config.workspace() + "[-tools|-handoff]"
              + (options.getPubSubEmulatorHost() != null ? " at " + options.getPubSubEmulatorHost() : "") + where)
          : Future.<Void>succeededFuture().map(x -> {
              b.events = EventSink.bus(runtime);
              return null;
            })).map(b);
    });
  }

  private static Future<Void> check(Future<?> probe, String what) {
    return probe.<Void>mapEmpty().timeout(BACKEND_CHECK_SECONDS, TimeUnit.SECONDS).recover(err -> Future.failedFuture(
        new BackendUnavailableException(what + " is unreachable: " + err.getMessage(), err)));
  }

  /**
   * This cluster's name on Pub/Sub: its namespace and a random suffix the first node of the
   * cluster draws and the others read (two clusters with the same namespace still differ).
   */
  private static Future<String> deployment(Node node) {
    String ns = node.namespace().replaceAll("[^A-Za-z0-9_-]", "-");
    ns = ns.substring(0, Math.min(ns.length(), 30));
    String prefix = ns;
    String mine = UUID.randomUUID().toString().substring(0, 8);
    return node.vertx().sharedData().<String, String>getAsyncMap("agentbus.llm.deployment")
        .compose(m -> m.putIfAbsent("suffix", mine)).map(prev -> prefix + "-" + (prev == null ? mine : prev));
  }
}
