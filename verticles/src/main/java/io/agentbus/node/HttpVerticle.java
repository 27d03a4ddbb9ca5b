package io.agentbus.node;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeInfo;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.agentbus.webui.Dashboard;

/**
 * The node's HTTP endpoints on one port: {@code /health} (cluster-aware; 200 when up, 503 when
 * not), {@code /metrics} (Prometheus), {@code /api/nodes}, {@code /api/market}, and the dashboard
 * ({@code /}, its WebSocket {@code /ws}).
 */
public final class HttpVerticle extends VerticleBase {

  private final Node node;
  private final AgentRuntime runtime;
  private final io.agentbus.broker.MessageBroker broker;
  private final MarketVerticle market;
  private final io.agentbus.llm.agent.LlmAgents llm;
  private final PrometheusMeterRegistry registry;
  private final int port;
  private final HttpConfig http;
  private final long stepIntervalMs;
  private HttpServer server;
  private Dashboard dashboard;
  private io.agentbus.probe.DeliveryProbe probe;
  private io.agentbus.grpc.AgentRpcHost bridge;

  private volatile JsonObject llmView = new JsonObject();
  private volatile JsonObject clusterView = new JsonObject();
  private ClusterSummaries summaries;

  HttpVerticle(Node node, AgentRuntime runtime, io.agentbus.broker.MessageBroker broker, MarketVerticle market,
               io.agentbus.llm.agent.LlmAgents llm, PrometheusMeterRegistry registry, int port, HttpConfig http,
               long stepIntervalMs) {
    this.http = http;
    this.node = node;
    this.llm = llm;
    this.runtime = runtime;
    this.broker = broker;
    this.market = market;
    this.registry = registry;
    this.port = port;
    this.stepIntervalMs = stepIntervalMs;
  }

  /** Serves the bridge's workers at {@code GET /api/bridge} and on the dashboard. */
  HttpVerticle withBridge(io.agentbus.grpc.AgentRpcHost bridge) {
    this.bridge = bridge;
    return this;
  }

  private JsonObject bridgeView() {
    JsonArray workers = new JsonArray();
    bridge.workerStates().forEach(w -> workers.add(w.toJson()));
    return new JsonObject().put("node", node.id()).put("port", bridge.port()).put("workers", workers);
  }

  /** Serves the delivery probe's counts at {@code GET /api/probe}. */
  HttpVerticle withProbe(io.agentbus.probe.DeliveryProbe probe) {
    this.probe = probe;
    return this;
  }

  @Override
  public Future<?> start() {
    io.micrometer.core.instrument.Gauge.builder("agentbus.cluster.intruders", node, n -> n.intruders().size())
        .description("Hazelcast members and clients that are not agentbus nodes of this cluster (cannot prove its secret)")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder("agentbus.shared.data.tampered", vertx, io.agentbus.cluster.SharedMaps::tamperedEntries)
        .description("cluster-map entries refused because they did not open with the cluster secret (forged or tampered)")
        .register(registry);
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register("node", p -> p.complete(Status.OK(new JsonObject().put("id", node.id()).put("name", node.info().name()))));
    checks.register("cluster", p -> {
      int members = node.knownMembers().size();
      // not UP while this node is missing from the cluster's view (merging back) or in a minority
      boolean up = node.inClusterView() && node.hasQuorum();
      java.util.List<String> intruders = node.intruders();
      long tampered = io.agentbus.cluster.SharedMaps.tamperedEntries(vertx);
      // degraded, not down: an attacker who joins must not be able to make probes restart our pods
      JsonObject data = new JsonObject().put("clustered", node.isClustered()).put("members", members)
          .put("inClusterView", node.inClusterView()).put("expectedMembers", node.expectedMembers())
          .put("quorum", node.hasQuorum())
          .put("secured", io.agentbus.cluster.SharedMaps.sealed(vertx)).put("degraded", !intruders.isEmpty() || tampered > 0)
          .put("intruders", new JsonArray(intruders)).put("tamperedEntries", tampered);
      p.complete(up ? Status.OK(data) : Status.KO(data));
    });
    checks.register("runtime", p -> p.complete(Status.OK(new JsonObject().put("localAgents", runtime.localAgents().size()))));
    if (market != null) {
      checks.register("market", p -> {
        long age = System.currentTimeMillis() - market.lastStepMillis();
        boolean stale = market.leading() && market.lastStepMillis() > 0 && age > Math.max(10_000, 10 * stepIntervalMs);
        JsonObject data = new JsonObject().put("leading", market.leading()).put("lastStepAgeMs", market.lastStepMillis() == 0 ? null : age);
        p.complete(stale ? Status.KO(data) : Status.OK(data));
      });
    }
    Router router = Router.router(vertx);
    router.route().handler(new HttpAccess(http.token()));
    io.vertx.ext.web.handler.TimeoutHandler timeout = io.vertx.ext.web.handler.TimeoutHandler.create(REQUEST_TIMEOUT_MILLIS, 503);
    router.route("/api/*").handler(ctx -> {
      if (ctx.normalizedPath().equals("/api/llm/run")) {
        ctx.next(); // a run has its own, longer timeout (LlmAgents.RUN_TIMEOUT_MILLIS)
      } else {
        timeout.handle(ctx);
      }
    });
    router.get("/api").handler(ctx -> ctx.json(apiIndex()));
    router.get("/api/openapi.json").handler(ctx -> ctx.json(OpenApi.document(apiIndex(), NodeMain.version())));
    router.get("/health").handler(ctx -> checks.checkStatus().onComplete(ar -> {
      CheckResult r = ar.succeeded() ? ar.result() : CheckResult.from("health", ar.cause());
      boolean up = CheckResult.isUp(r);
      ctx.response().setStatusCode(up ? 200 : 503).putHeader("content-type", "application/json")
          .end(r.toJson().encodePrettily());
    }));
    // liveness: the process answers (its event loop runs); nothing the cluster does can fail it
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    // readiness: this node is in the cluster's view (its node info published and seen), so
    // placement can put agents here and the API answers for the cluster; market staleness is not
    // part of it (a restart would not cure a market problem)
    router.get("/health/ready").handler(ctx -> {
      boolean inView = node.inClusterView();
      JsonObject body = new JsonObject().put("status", inView ? "UP" : "DOWN").put("inClusterView", inView)
          .put("members", node.knownMembers().size()).put("localAgents", runtime.localAgents().size());
      ctx.response().setStatusCode(inView ? 200 : 503).putHeader("content-type", "application/json").end(body.encode());
    });
    // a scrape reads every meter (the process CPU gauge alone takes the JDK about a millisecond) and
    // encodes them all: on a worker thread, not the event loop
    router.get("/metrics").blockingHandler(PrometheusScrapingHandler.create(registry), false);
    router.get("/api/nodes").handler(ctx -> {
      JsonArray nodes = new JsonArray();
      for (NodeInfo i : node.knownMembers()) {
        nodes.add(i.toJson());
      }
      ctx.json(new JsonObject().put("self", node.id()).put("nodes", nodes));
    });
    router.get("/api/agents").handler(ctx -> {
      JsonArray agents = new JsonArray();
      runtime.localAgents().stream().map(Object::toString).sorted().forEach(agents::add);
      ctx.json(new JsonObject().put("node", node.id()).put("agents", agents));
    });
    if (probe != null) {
      router.get("/api/probe").handler(ctx -> ctx.json(probe.snapshot()));
    }
    if (bridge != null) {
      router.get("/api/bridge").handler(ctx -> ctx.json(bridgeView()));
    }
    summaries = new ClusterSummaries(node, runtime, market, bridge, llm, registry);
    summaries.start();
    router.get("/api/cluster").handler(ctx -> summaries.cluster().onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.json(ar.result());
      } else {
        HttpErrors.send(ctx, 503, "the cluster's summaries could not be read: " + ar.cause().getMessage());
      }
    }));
    router.get("/api/market").handler(ctx -> {
      JsonObject latest = market == null ? null : market.latest();
      if (latest != null && market.leading()) {
        ctx.json(latest.copy().put("drivenBy", node.id()));
        return;
      }
      // another node drives the market: its latest step, from its summary
      summaries.cluster().onComplete(ar -> {
        JsonObject m = ar.succeeded() ? ar.result().getJsonObject("market") : null;
        if (m != null) {
          ctx.json(m.copy().put("drivenBy", ar.result().getString("leader")));
        } else if (latest != null) {
          ctx.json(latest.copy().put("drivenBy", "another node"));
        } else {
          ctx.response().setStatusCode(204).end();
        }
      });
    });
    if (llm != null) {
      mountLlm(router);
    }
    dashboard = Dashboard.mount(router, runtime, registry,
        new io.agentbus.webui.DashboardOptions().setUpdateIntervalMillis(http.dashboardIntervalMs()));
    // the cluster section: a read of one entry per node each second while a page is open, every
    // 10 s otherwise (so a page's first snapshot is at most that old, not empty)
    long[] ticks = {0};
    vertx.setPeriodic(0, 1000, t -> {
      if (dashboard.clients() > 0 || ticks[0]++ % 10 == 0) {
        summaries.cluster().onSuccess(c -> clusterView = c);
      }
    });
    dashboard.section("cluster", () -> clusterView);
    if (llm != null) {
      dashboard.section("llm", () -> llmView);
    }
    if (bridge != null) {
      dashboard.section("bridge", this::bridgeView);
    }
    Future<Void> tailed = Future.succeededFuture();
    if (market != null) {
      // the step of whichever node drives the market: this one, or the leader's from the cluster summaries
      MarketHistory history = new MarketHistory();
      dashboard.section("market", () -> {
        JsonObject step = market.leading() || clusterView.getJsonObject("market") == null ? market.latest()
            : clusterView.getJsonObject("market");
        history.record(step);
        return step;
      });
      dashboard.snapshotSection("history", history::toJson);
      tailed = dashboard.tail(broker, broker.channels().results(MarketVerticle.ENV_ID, io.agentbus.microgrid.OperatorAgent.TYPE));
    }
    dashboard.inspect(broker, market != null ? java.util.List.of(MarketVerticle.ENV_ID) : java.util.List.of());
    HttpErrors.install(router);
    ConnectionGuard guard = new ConnectionGuard(vertx, http.maxConnections(), HEADER_TIMEOUT_MILLIS);
    io.vertx.core.http.HttpServerOptions so = new io.vertx.core.http.HttpServerOptions().setHost(http.host()).setPort(port)
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS).setMaxHeaderSize(16 * 1024).setMaxInitialLineLength(8 * 1024)
        .setMaxFormAttributeSize(64 * 1024)
        // without h2c detection a connection is an HTTP/1 connection at once, so the guard sees silent ones too
        .setHttp2ClearTextEnabled(false);
    return tailed.compose(v -> vertx.createHttpServer(so).connectionHandler(guard::onConnection)
        .requestHandler(guard.requests(router)).listen()).onSuccess(s -> server = s);
  }

  /** Seconds without a byte either way after which a connection is closed. */
  static final int IDLE_TIMEOUT_SECONDS = 120;
  /** A connection must deliver its first request within this. */
  static final long HEADER_TIMEOUT_MILLIS = 10_000;
  /** An API request (other than an LLM run) must be answered within this, or gets 503. */
  static final long REQUEST_TIMEOUT_MILLIS = 30_000;

  private JsonObject apiIndex() {
    JsonArray endpoints = new JsonArray()
        .add(endpoint("GET", "/health", false, "health: 200 UP or 503 DOWN with the checks"))
        .add(endpoint("GET", "/health/live", false, "liveness: the process answers"))
        .add(endpoint("GET", "/health/ready", false, "readiness: this node is in the cluster's view"))
        .add(endpoint("GET", "/metrics", false, "Prometheus metrics"))
        .add(endpoint("GET", "/api", true, "this index"))
        .add(endpoint("GET", "/api/openapi.json", true, "this API as an OpenAPI 3.1 document"))
        .add(endpoint("GET", "/api/nodes", true, "the cluster's nodes"))
        .add(endpoint("GET", "/api/agents", true, "the agents active on this node"))
        .add(endpoint("GET", "/", true, "the dashboard (WebSocket /ws)"));
    if (market != null) {
      endpoints.add(endpoint("GET", "/api/market", true, "the latest market step (204 before the first)"));
    }
    if (bridge != null) {
      endpoints.add(endpoint("GET", "/api/bridge", true, "the AutoGen bridge's workers: types, subscriptions, RPCs in flight, drops"));
    }
    endpoints.add(endpoint("GET", "/api/cluster", true, "the whole cluster from any node: nodes, leader, agents, bridge workers, market, LLM runs"));
    if (probe != null) {
      endpoints.add(endpoint("GET", "/api/probe", true, "the delivery probe: what this node sent and received"));
    }
    if (llm != null) {
      endpoints.add(endpoint("GET", "/api/llm", true, "LLM runs and budget use"));
      endpoints.add(endpoint("POST", "/api/llm/run", true, "run the assistant: {\"message\", \"agent\"?, \"context\"?}"));
      endpoints.add(endpoint("GET", "/api/llm/runs/{runId}", true, "one stored run: request, result, interactions, snapshot"));
    }
    return new JsonObject().put("node", node.id()).put("tokenRequired", http.token() != null).put("endpoints", endpoints);
  }

  private JsonObject endpoint(String method, String path, boolean guarded, String what) {
    return new JsonObject().put("method", method).put("path", path).put("what", what)
        .put("auth", guarded && http.token() != null ? "bearer token" : "none");
  }

  /** POST /api/llm/run {"message", "agent"?, "context"?}; GET /api/llm: runs and budget use. */
  private void mountLlm(Router router) {
    vertx.setPeriodic(0, 1000, t -> llm.dashboard().onSuccess(v -> llmView = v));
    router.get("/api/llm").handler(ctx -> llm.dashboard().onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.json(ar.result());
      } else {
        HttpErrors.send(ctx, 503, String.valueOf(ar.cause().getMessage()));
      }
    }));
    router.get("/api/llm/runs/:runId").handler(ctx -> llm.storedRun(ctx.pathParam("runId")).onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.send(ctx, 503, "the run store did not answer: " + ar.cause().getMessage());
      } else if (ar.result() == null) {
        HttpErrors.send(ctx, 404, "no stored run " + ctx.pathParam("runId") + " (unknown, or older than the store keeps)");
      } else {
        ctx.json(ar.result());
      }
    }));
    router.post("/api/llm/run").handler(JsonBody.handler(64 * 1024));
    router.post("/api/llm/run").handler(ctx -> {
      JsonObject body = ctx.get(JsonBody.KEY);
      if (!(body.getValue("message") instanceof String)
          || (body.getValue("context") != null && !(body.getValue("context") instanceof JsonObject))) {
        HttpErrors.send(ctx, 400, "expected a JSON object with a string 'message' (and an optional object 'context')");
        return;
      }
      io.agentbus.agent.AgentId agent;
      try {
        agent = new io.agentbus.agent.AgentId(LlmSetup.ASSISTANT, body.getString("agent", "default"));
      } catch (IllegalArgumentException e) {
        HttpErrors.send(ctx, 400, e.getMessage());
        return;
      }
      llm.run(agent, body.getString("message"), body.getJsonObject("context")).onComplete(ar -> {
        if (ar.succeeded()) {
          ctx.json(ar.result().toJson());
        } else {
          HttpErrors.fail(ctx, ar.cause());  // capacity: 429 with Retry-After; an agent's failure: 502
        }
      });
    });
  }

  @Override
  public Future<?> stop() {
    if (summaries != null) {
      summaries.stop();
    }
    if (dashboard != null) {
      dashboard.close();
    }
    return Future.succeededFuture();
  }

  /** @return the bound port */
  int actualPort() {
    return server.actualPort();
  }
}
