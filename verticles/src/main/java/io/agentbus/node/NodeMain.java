package io.agentbus.node;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.broker.BrokerOptions;
import io.agentbus.broker.MessageBroker;
import io.agentbus.cluster.Node;
import io.agentbus.grpc.AgentRpcHost;
import io.agentbus.grpc.AgentRpcHostOptions;
import io.agentbus.microgrid.MicrogridMarketEnv;
import io.agentbus.microgrid.MicrogridPolicy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.util.concurrent.TimeUnit;

/**
 * The agentbus node: {@code java -jar agentbus-node.jar [options]} (see {@code --help}). Starts an
 * embedded single node by default, or joins a cluster with {@code --cluster}; runs the microgrid
 * market and serves health, metrics and the API on one HTTP port. SIGTERM drains in-flight
 * messages, moves agents away and leaves the cluster cleanly.
 */
public final class NodeMain {

  private NodeMain() {
  }

  /** A started node and what runs on it. */
  public record Running(Node node, AgentRuntime runtime, MessageBroker broker, int httpPort, AgentRpcHost bridge,
                        LlmRuntime llm, NodeTelemetry telemetry) {
    /** Stops gracefully. */
    public Future<Void> stop() {
      Future<Void> llmClosed = llm == null ? Future.succeededFuture() : llm.close();
      Future<Void> bridged = llmClosed.eventually(() -> bridge == null ? Future.succeededFuture() : bridge.close());
      return bridged.eventually(runtime::close).eventually(broker::close).eventually(node::close)
          .eventually(() -> {
            telemetry.close();  // flushes the last spans
            return Future.succeededFuture();
          });
    }
  }

  /** @return this build's version line: agentbus, its version (from the jar's manifest), Java */
  static String version() {
    String v = NodeMain.class.getPackage().getImplementationVersion();
    return "agentbus " + (v == null ? "(development build, not from the jar)" : v) + " (Java " + System.getProperty("java.version")
        + ", Vert.x " + mavenVersion("io.vertx", "vertx-core") + ", Hazelcast " + mavenVersion("com.hazelcast", "hazelcast") + ")";
  }

  private static String mavenVersion(String group, String artifact) {
    try (java.io.InputStream in = NodeMain.class.getResourceAsStream("/META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
      if (in == null) {
        return "?";
      }
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return p.getProperty("version", "?");
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  public static void main(String[] args) {
    NodeConfig config;
    try {
      config = NodeConfig.load(args, System.getenv());
    } catch (NodeConfig.ConfigException e) {
      System.err.println("agentbus: " + e.getMessage());
      System.err.println("Run with --help to list the options.");
      System.exit(2);
      return;
    }
    if (config.version()) {
      System.out.println(version());
      return;
    }
    if (config.help()) {
      System.out.print(NodeConfig.usage());
      return;
    }
    io.agentbus.node.logging.NodeLog.format(config.logFormat());
    io.agentbus.node.logging.JulBridge.install();
    Running running;
    try {
      running = start(config).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof io.agentbus.cluster.PortInUseException taken) {
        System.err.println("agentbus: the node did not start: " + taken.getMessage() + " (--cluster-host, --cluster-port): another "
            + "node on this machine? give each its own --cluster-port, or let it take the next free one with "
            + "--cluster-port-auto-increment true");
        System.exit(1);
        return;
      }
      System.err.println("agentbus: the node did not start: " + cause.getMessage());
      System.exit(cause instanceof BackendUnavailableException ? 2 : 1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("agentbus: stopping (draining in-flight messages, leaving the cluster)...");
      try {
        running.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        System.out.println("agentbus: stopped");
      } catch (Exception e) {
        System.err.println("agentbus: stop did not complete cleanly: " + e);
      }
    }, "agentbus-shutdown"));
    FatalErrors.install(running.node().vertx());
    banner(config, running);
  }

  /** Starts everything the configuration asks for. */
  public static Future<Running> start(NodeConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // jvm_* and process_* families beside ours and Vert.x's
    new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.FileDescriptorMetrics().bindTo(registry);
    VertxOptions vo = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true));
    String ns = config.nodeOptions().getNamespace();
    String instance = config.nodeOptions().getNodeName() != null ? config.nodeOptions().getNodeName()
        : java.util.UUID.randomUUID().toString();
    NodeTelemetry telemetry = NodeTelemetry.create(config.otelEndpoint(), instance);
    return Node.start(config.nodeOptions(), vo, new MicrometerMetricsFactory(registry)).compose(node ->
        AgentRuntime.create(node, new AgentRuntimeOptions().setNamespace(ns).setMeterRegistry(registry)
            .setOpenTelemetry(telemetry.openTelemetry())).compose(runtime ->
            MessageBroker.eventBus(node.vertx(), new BrokerOptions().setNamespace(ns).setMeterRegistry(registry))
                .compose(broker -> {
                  boolean market = config.verticles().contains("market");
                  Future<Void> agents = market ? MicrogridMarketEnv.registerAgents(runtime, broker, MicrogridPolicy.ruleBased())
                      : Future.succeededFuture();
                  MarketVerticle mv = market ? new MarketVerticle(node, runtime, broker, config) : null;
                  return agents.compose(v -> AgentJars.register(runtime, config.agentJars()))
                      .compose(v -> market ? node.vertx().deployVerticle(mv) : Future.succeededFuture(""))
                      .compose(v -> config.verticles().contains("bridge")
                          ? AgentRpcHost.start(runtime, config.bridge().setMeterRegistry(registry))
                              .recover(err -> Future.failedFuture(new IllegalStateException("the gRPC bridge could not listen on port "
                                  + config.grpcPort() + " (--grpc-port): " + err.getMessage(), err)))
                          : Future.<AgentRpcHost>succeededFuture(null))
                      .compose(bridge -> (config.verticles().contains("llm") ? LlmSetup.start(node, runtime, config.llm(), mv, telemetry.openTelemetry(), registry)
                          : Future.<LlmRuntime>succeededFuture(null)).compose(llm -> {
                            HttpVerticle http = new HttpVerticle(node, runtime, broker, mv, llm == null ? null : llm.agents(),
                                registry, config.httpPort(),
                                config.http(), config.stepIntervalMs());
                            io.agentbus.probe.DeliveryProbe probe = config.verticles().contains("probe")
                                ? new io.agentbus.probe.DeliveryProbe(runtime) : null;
                            http.withProbe(probe).withBridge(bridge);
                            return (probe == null ? Future.succeededFuture("") : node.vertx().deployVerticle(probe))
                                .compose(x -> node.vertx().deployVerticle(http))
                                .recover(err -> Future.failedFuture(new IllegalStateException("HTTP could not listen on "
                                    + config.http().host() + ":" + config.httpPort() + " (--http-host, --http-port): " + err.getMessage(), err)))
                                .map(d -> new Running(node, runtime, broker, http.actualPort(), bridge, llm, telemetry));
                          }));
                })));
  }

  static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
  }

  private static void banner(NodeConfig config, Running r) {
    String mode = r.node().isClustered()
        ? "clustered (namespace " + config.nodeOptions().getNamespace() + ", " + r.node().knownMembers().size() + " member(s) so far)"
        : "embedded single node";
    String base = "http://" + (isLoopback(config.http().host()) ? "localhost" : config.http().host()) + ":" + r.httpPort();
    System.out.println();
    System.out.println("agentbus node " + r.node().info().name() + " [" + r.node().id() + "] started: " + mode);
    System.out.println("  version  : " + version());
    if (config.verticles().contains("market")) {
      System.out.println("  market   : " + config.microgrids() + " microgrids, a step every " + config.stepIntervalMs()
          + " ms, driven by the longest-running node");
    }
    if (r.node().isClustered()) {
      System.out.println("  cluster  : " + (config.nodeOptions().getClusterSecret() != null
          ? "secured by the cluster secret (event bus on mutual TLS, node infos signed, maps sealed)"
          : "NO cluster secret: listening on " + (config.nodeOptions().getClusterHost() == null ? "127.0.0.1"
          : config.nodeOptions().getClusterHost()) + " only; set --cluster-secret-file "
          + "or AGENTBUS_CLUSTER_SECRET before using any other interface"));
    }
    System.out.println("  tracing  : " + (r.telemetry().endpoint() != null ? "spans exported over OTLP/HTTP to "
        + r.telemetry().endpoint() + "/v1/traces" : "off (set --otel-endpoint or OTEL_EXPORTER_OTLP_ENDPOINT)"));
    System.out.println("  dashboard: " + base + "/");
    System.out.println("  health   : " + base + "/health");
    System.out.println("  metrics  : " + base + "/metrics");
    System.out.println("  market   : " + base + "/api/market");
    System.out.println("  nodes    : " + base + "/api/nodes");
    if (r.llm() != null) {
      System.out.println("  llm      : POST " + base + "/api/llm/run {\"message\": \"...\"} (model " + config.llm().model()
          + (r.llm().local() != null ? " in-process, served on loopback at " : " at ") + r.llm().modelUrl()
          + ", cap $" + config.llm().maxDailyCostUsd() + "/day)");
      LlmBackends b = config.llm().backends();
      System.out.println("  llm data : runs " + b.store() + ", events " + b.events() + ", snapshots " + b.snapshots()
          + (b.usesGcp() ? " (project " + b.gcpProject() + ", workspace " + b.workspace() + ")" : ""));
    }
    if (r.bridge() != null) {
      System.out.println("  autogen  : GrpcWorkerAgentRuntime(host_address=\"localhost:" + r.bridge().port() + "\")");
      var b = config.bridge();
      if (b.getToken() == null && b.getAllowedNetworks().isEmpty() && !isLoopback(b.getHost())) {
        System.out.println("  WARNING  : the gRPC bridge listens on " + b.getHost() + " WITHOUT a token or allow-list: anyone "
            + "who reaches port " + r.bridge().port() + " can register agents and call yours; set --grpc-token-file or --grpc-allow");
      }
    }
    if (config.http().token() == null && !isLoopback(config.http().host())) {
      System.out.println("  WARNING  : HTTP listens on " + config.http().host() + " WITHOUT a token: anyone who reaches port "
          + r.httpPort() + " can read the API and spend the LLM budget; set --http-token-file or AGENTBUS_HTTP_TOKEN");
    } else if (config.http().token() != null) {
      System.out.println("  access   : bearer token required on /api/* and the dashboard (open " + base + "/?token=<token> once)");
    }
    System.out.println("  stop     : Ctrl-C (graceful)");
    System.out.println();
  }
}
