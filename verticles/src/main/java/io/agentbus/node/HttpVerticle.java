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
  private final long stepIntervalMs;
  private HttpServer server;
  private Dashboard dashboard;

  private volatile JsonObject llmView = new JsonObject();

  HttpVerticle(Node node, AgentRuntime runtime, io.agentbus.broker.MessageBroker broker, MarketVerticle market,
               io.agentbus.llm.agent.LlmAgents llm, PrometheusMeterRegistry registry, int port, long stepIntervalMs) {
    this.node = node;
    this.llm = llm;
    this.runtime = runtime;
    this.broker = broker;
    this.market = market;
    this.registry = registry;
    this.port = port;
    this.stepIntervalMs = stepIntervalMs;
  }

  @Override
  public Future<?> start() {
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register("node", p -> p.complete(Status.OK(new JsonObject().put("id", node.id()).put("name", node.info().name()))));
    checks.register("cluster", p -> {
      int members = node.knownMembers().size();
      boolean up = !node.isClustered() || members >= 1;
      JsonObject data = new JsonObject().put("clustered", node.isClustered()).put("members", members);
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
    router.get("/health").handler(ctx -> checks.checkStatus().onComplete(ar -> {
      CheckResult r = ar.succeeded() ? ar.result() : CheckResult.from("health", ar.cause());
      boolean up = CheckResult.isUp(r);
      ctx.response().setStatusCode(up ? 200 : 503).putHeader("content-type", "application/json")
          .end(r.toJson().encodePrettily());
    }));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/api/nodes").handler(ctx -> {
      JsonArray nodes = new JsonArray();
      for (NodeInfo i : node.knownMembers()) {
        nodes.add(i.toJson());
      }
      ctx.json(new JsonObject().put("self", node.id()).put("nodes", nodes));
    });
    router.get("/api/market").handler(ctx -> {
      JsonObject latest = market == null ? null : market.latest();
      if (latest == null) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.json(latest.copy().put("drivenBy", market.leading() ? node.id() : "another node"));
      }
    });
    if (llm != null) {
      mountLlm(router);
    }
    dashboard = Dashboard.mount(router, runtime, registry);
    if (llm != null) {
      dashboard.section("llm", () -> llmView);
    }
    Future<Void> tailed = Future.succeededFuture();
    if (market != null) {
      dashboard.section("market", () -> market.latest());
      tailed = dashboard.tail(broker, broker.channels().results(MarketVerticle.ENV_ID, io.agentbus.microgrid.OperatorAgent.TYPE));
    }
    return tailed.compose(v -> vertx.createHttpServer().requestHandler(router).listen(port)).onSuccess(s -> server = s);
  }

  /** POST /api/llm/run {"message", "agent"?, "context"?}; GET /api/llm: runs and budget use. */
  private void mountLlm(Router router) {
    vertx.setPeriodic(0, 1000, t -> llm.dashboard().onSuccess(v -> llmView = v));
    router.get("/api/llm").handler(ctx -> llm.dashboard().onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.json(ar.result());
      } else {
        ctx.response().setStatusCode(503).end(ar.cause().getMessage());
      }
    }));
    router.post("/api/llm/run").handler(io.vertx.ext.web.handler.BodyHandler.create().setBodyLimit(64 * 1024));
    router.post("/api/llm/run").handler(ctx -> {
      JsonObject body;
      try {
        body = ctx.body().asJsonObject();
      } catch (RuntimeException e) {
        body = null;
      }
      if (body == null || !(body.getValue("message") instanceof String)
          || (body.getValue("context") != null && !(body.getValue("context") instanceof JsonObject))) {
        ctx.response().setStatusCode(400).putHeader("content-type", "application/json")
            .end(new JsonObject().put("error", "expected a JSON object with a string 'message' (and an optional object 'context')").encode());
        return;
      }
      io.agentbus.agent.AgentId agent;
      try {
        agent = new io.agentbus.agent.AgentId(LlmSetup.ASSISTANT, body.getString("agent", "default"));
      } catch (IllegalArgumentException e) {
        ctx.response().setStatusCode(400).putHeader("content-type", "application/json")
            .end(new JsonObject().put("error", e.getMessage()).encode());
        return;
      }
      llm.run(agent, body.getString("message"), body.getJsonObject("context")).onComplete(ar -> {
        if (ar.succeeded()) {
          ctx.json(ar.result().toJson());
        } else {
          ctx.response().setStatusCode(502).putHeader("content-type", "application/json")
              .end(new JsonObject().put("error", String.valueOf(ar.cause().getMessage())).encode());
        }
      });
    });
  }

  @Override
  public Future<?> stop() {
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
