package io.agentbus.bench;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.gcp.GcpEmulators;
import io.agentbus.gcp.GoogleCloud;
import io.agentbus.llm.ChatMessage;
import io.agentbus.llm.ChatRequest;
import io.agentbus.llm.LlmClient;
import io.agentbus.llm.OpenAiOptions;
import io.agentbus.llm.RiskLevel;
import io.agentbus.llm.ToolSpec;
import io.agentbus.llm.agent.LlmAgents;
import io.agentbus.llm.agent.RunStore;
import io.agentbus.llm.events.EventSink;
import io.agentbus.llm.handoff.HandoffMarket;
import io.agentbus.llm.local.LocalModel;
import io.agentbus.llm.local.LocalModelOptions;
import io.agentbus.llm.loop.Budget;
import io.agentbus.llm.loop.BudgetLedger;
import io.agentbus.llm.loop.LoopExit;
import io.agentbus.llm.loop.LoopOptions;
import io.agentbus.llm.loop.LoopResult;
import io.agentbus.llm.loop.LoopTelemetry;
import io.agentbus.llm.loop.PriceTable;
import io.agentbus.llm.loop.Tool;
import io.agentbus.llm.snapshot.SnapshotStore;
import io.agentbus.llm.tracing.OtlpReceiver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The LLM tool loop's own cost (issue 10): N concurrent runs on one node against a scripted
 * OpenAI-compatible server that answers after a fixed latency (first a tool call, then the
 * answer: two iterations a run). The server stamps when it sent each answer and when the next
 * request of the same run arrived; the gap is the loop's overhead for that iteration (parse,
 * budget settle and reserve, guardrails, the tool, encode, send) with the model's latency taken
 * out. The last iteration's gap runs to when the caller has the result (store, reply).
 *
 * <p>Compared in the same run with raw Vert.x: the same two requests per "run" with the web
 * client and nothing between them. Variants: runs in shared data (default), runs in Firestore
 * (emulator), tracing on (OTLP/HTTP to an in-process receiver). Then the local model's speed.
 *
 * <p>Usage: {@code bench/run.sh LlmBench [runs] [latencyMs]} (default 1000 50).
 */
public final class LlmBench {

  private static final int ROUNDS = 3;

  private LlmBench() {
  }

  /** The scripted model: tool call for a new conversation, answer after a tool result; stamps gaps. */
  static final class ScriptedModel {
    final Map<String, Long> answeredAt = new ConcurrentHashMap<>();
    final List<Long> gaps = java.util.Collections.synchronizedList(new ArrayList<>());
    HttpServer server;

    Future<ScriptedModel> start(Vertx vertx, long latencyMs) {
      return vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
        long arrived = System.nanoTime();
        JsonObject r = body.toJsonObject();
        JsonArray messages = r.getJsonArray("messages");
        String run = null;
        for (Object o : messages) {
          JsonObject m = (JsonObject) o;
          if ("user".equals(m.getString("role"))) {
            run = m.getString("content");
          }
        }
        String key = run;
        Long prev = answeredAt.remove(key);
        if (prev != null) {
          gaps.add(arrived - prev);
        }
        boolean toolDone = "tool".equals(messages.getJsonObject(messages.size() - 1).getString("role"));
        JsonObject message = toolDone ? new JsonObject().put("role", "assistant").put("content", "sum is 5")
            : new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray().add(new JsonObject()
                .put("id", "c1").put("type", "function").put("function", new JsonObject().put("name", "add")
                    .put("arguments", "{\"a\":2,\"b\":3}"))));
        String answer = new JsonObject().put("id", "x").put("object", "chat.completion").put("model", "m")
            .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message)
                .put("finish_reason", toolDone ? "stop" : "tool_calls")))
            .put("usage", new JsonObject().put("prompt_tokens", 100).put("completion_tokens", 10).put("total_tokens", 110)).encode();
        vertx.setTimer(latencyMs, t -> {
          answeredAt.put(key, System.nanoTime());
          req.response().putHeader("content-type", "application/json").end(answer);
        });
      })).listen(0, "127.0.0.1").map(s -> {
        server = s;
        return this;
      });
    }

    String baseUrl() {
      return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    /** The last answer of a run (no next request): its gap runs until the caller has the result. */
    void finished(String run) {
      Long prev = answeredAt.remove(run);
      if (prev != null) {
        gaps.add(System.nanoTime() - prev);
      }
    }

    long[] takeGaps() {
      synchronized (gaps) {
        long[] out = gaps.stream().mapToLong(Long::longValue).toArray();
        gaps.clear();
        answeredAt.clear();
        return out;
      }
    }
  }

  record Result(String label, double p50Ms, double p99Ms, double runsPerSecond, int failed) {
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    long latency = args.length > 1 ? Long.parseLong(args[1]) : 50;
    Vertx side = Vertx.vertx();
    ScriptedModel model = new ScriptedModel().start(side, latency).await();
    OtlpReceiver receiver = OtlpReceiver.start(side).await();

    if (args.length > 2 && args[2].equals("profile")) {
      // the shared-data loop alone under the burst, repeated: for a profiler
      for (int i = 0; i < 10; i++) {
        Result r = loop(model, runs, runs, "agentbus, runs in shared data", Store.SHARED, null);
        System.out.printf(Locale.ROOT, "%s: %,.0f runs/s, p99 %.1f ms%n", r.label(), r.runsPerSecond(), r.p99Ms());
      }
      System.exit(0);
    }
    for (int concurrency : new int[] {1, runs}) {
      table(model, receiver, concurrency == 1 ? 300 : runs, concurrency, latency);
    }
    localModel();
    receiver.close().await();
    side.close().await();
    System.exit(0);
  }

  private static void table(ScriptedModel model, OtlpReceiver receiver, int runs, int concurrency, long latency) {
    // a warm-up round of each, not counted: the JIT has far more agentbus code to compile than raw code
    raw(model, runs, concurrency);
    loop(model, runs, concurrency, "warm-up", Store.SHARED, null);
    loop(model, runs, concurrency, "warm-up", Store.SHARED, receiver);
    List<Result> results = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      results.add(raw(model, runs, concurrency));
      results.add(loop(model, runs, concurrency, "agentbus, runs in shared data", Store.SHARED, null));
      results.add(loop(model, runs, concurrency, "agentbus, tracing on (OTLP/HTTP)", Store.SHARED, receiver));
      results.add(loop(model, runs, concurrency, "agentbus, runs in Firestore (emulator)", Store.FIRESTORE, null));
    }
    List<String> rows = new ArrayList<>();
    Map<String, List<Result>> by = new java.util.LinkedHashMap<>();
    results.forEach(r -> by.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r));
    double rawP99 = median(by.get("raw Vert.x web client").stream().mapToDouble(Result::p99Ms).toArray());
    double rawRate = median(by.get("raw Vert.x web client").stream().mapToDouble(Result::runsPerSecond).toArray());
    double sharedP99 = median(by.get("agentbus, runs in shared data").stream().mapToDouble(Result::p99Ms).toArray());
    by.forEach((label, list) -> {
      double p50 = median(list.stream().mapToDouble(Result::p50Ms).toArray());
      double p99 = median(list.stream().mapToDouble(Result::p99Ms).toArray());
      double rate = median(list.stream().mapToDouble(Result::runsPerSecond).toArray());
      int failed = list.stream().mapToInt(Result::failed).sum();
      rows.add(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.2f× | %,.0f | %.2f× | %d |", label, p50, p99,
          label.startsWith("agentbus, tracing") ? p99 / sharedP99 : p99 / rawP99, rate, rate / rawRate, failed));
    });
    BenchTable.print("LlmBench " + runs + " runs, " + concurrency + " at a time, model latency " + latency + " ms, median of "
        + ROUNDS + " rounds", "| loop | overhead/iteration p50 ms | p99 ms | p99 vs raw (tracing: vs off) | runs/s | vs raw | failed |",
        "|---|---:|---:|---:|---:|---:|---:|", rows);
  }

  /** Runs {@code runs} operations, at most {@code concurrency} at once. */
  private static <T> List<Future<T>> window(int runs, int concurrency, java.util.function.IntFunction<Future<T>> op) {
    List<Future<T>> all = new ArrayList<>();
    for (int start = 0; start < runs; start += concurrency) {
      List<Future<T>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(runs, start + concurrency); i++) {
        batch.add(op.apply(i));
      }
      Future.join(batch).otherwiseEmpty().await();
      all.addAll(batch);
    }
    return all;
  }

  private static Result raw(ScriptedModel model, int runs, int concurrency) {
    Vertx vertx = Vertx.vertx();
    WebClient web = WebClient.create(vertx, new WebClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(runs));
    String url = model.baseUrl() + "/chat/completions";
    long t0 = System.nanoTime();
    List<Future<Void>> all = window(runs, concurrency, i -> {
      String run = "raw-" + i;
      JsonObject first = new JsonObject().put("model", "m").put("messages", new JsonArray()
          .add(new JsonObject().put("role", "user").put("content", run)));
      return web.postAbs(url).sendJsonObject(first).compose(r1 -> {
        JsonObject call = r1.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getJsonObject("message")
            .getJsonArray("tool_calls").getJsonObject(0);
        JsonObject second = first.copy();
        second.getJsonArray("messages").add(new JsonObject().put("role", "assistant").put("tool_calls", new JsonArray().add(call)))
            .add(new JsonObject().put("role", "tool").put("tool_call_id", "c1").put("content", "{\"sum\":5}"));
        return web.postAbs(url).sendJsonObject(second);
      }).map(r2 -> {
        r2.bodyAsJsonObject();
        model.finished(run);
        return null;
      });
    });
    double seconds = (System.nanoTime() - t0) / 1e9;
    int failed = (int) all.stream().filter(Future::failed).count();
    vertx.close().await();
    return result("raw Vert.x web client", model.takeGaps(), runs / seconds, failed);
  }

  enum Store { SHARED, FIRESTORE }

  private static Result loop(ScriptedModel model, int runs, int concurrency, String label, Store store, OtlpReceiver receiver) {
    boolean tracing = receiver != null;
    OpenTelemetrySdk sdk = tracing ? OpenTelemetrySdk.builder()
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
            .setEndpoint(receiver.endpoint() + "/v1/traces").build()).setMaxQueueSize(100_000).build()).build()).build() : null;
    OpenTelemetry otel = sdk == null ? OpenTelemetry.noop() : sdk;
    Node node = Node.start(new NodeOptions()).await();
    Vertx vertx = node.vertx();
    try {
      AgentRuntime runtime = AgentRuntime.create(node, new AgentRuntimeOptions().setOpenTelemetry(otel)).await();
      Clock clock = Clock.systemUTC();
      GoogleCloud gcp = store == Store.FIRESTORE ? GoogleCloud.create(vertx, GcpEmulators.get().options()) : null;
      RunStore runStore = gcp != null ? gcp.runStore() : RunStore.shared(vertx);
      LlmClient client = LlmClient.openAi(vertx, new OpenAiOptions().setBaseUrl(model.baseUrl()).setMaxRetries(0)
          .setMaxConnections(runs));
      LlmAgents llm = LlmAgents.install(runtime, client, BudgetLedger.shared(vertx, clock), HandoffMarket.shared(vertx, clock),
          runStore, SnapshotStore.shared(vertx), EventSink.bus(runtime), clock).await()
          .telemetry(LoopTelemetry.of(otel, new SimpleMeterRegistry()));
      llm.register("assistant", new LoopOptions().setModel("m").setMaxTokensPerCall(100)
          .setBudget(new Budget().setScope("bench").setMaxDailyCostUsd(1_000_000).setMaxToolCallsPerMinute(10_000_000)
              .setPrices(PriceTable.empty().price("m", 0.001, 0.001)))
          .addTool(Tool.of(new ToolSpec("add", "adds", null, RiskLevel.LOW),
              a -> new JsonObject().put("sum", a.getInteger("a") + a.getInteger("b")))), java.util.Set.of("math")).await();
      long t0 = System.nanoTime();
      String tag = Long.toString(System.nanoTime(), 36);
      List<Future<LoopResult>> all = window(runs, concurrency, i -> {
        String run = "run-" + tag + "-" + i;
        return llm.run(new AgentId("assistant", "k" + i), run, null).onSuccess(r -> model.finished(run));
      });
      double seconds = (System.nanoTime() - t0) / 1e9;
      int failed = (int) all.stream().filter(f -> f.failed() || f.result().exit() != LoopExit.SATISFIED).count();
      llm.close().await();
      runtime.close().await();
      if (gcp != null) {
        gcp.close().await();
      }
      return result(label, model.takeGaps(), runs / seconds, failed);
    } finally {
      node.close().await();
      if (sdk != null) {
        sdk.close();
      }
    }
  }

  private static Result result(String label, long[] gaps, double rate, int failed) {
    Arrays.sort(gaps);
    return new Result(label, pct(gaps, 0.50) / 1e6, pct(gaps, 0.99) / 1e6, rate, failed);
  }

  private static double pct(long[] sorted, double p) {
    return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
  }

  private static double median(double[] xs) {
    double[] c = xs.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  /** The local model: tokens per second and first-token latency, in-process and over its OpenAI endpoint. */
  private static void localModel() throws Exception {
    Path file = LocalModelOptions.bundledModel(System.getenv());
    Vertx vertx = Vertx.vertx();
    LocalModel model = LocalModel.load(vertx, new LocalModelOptions(file).setMaxTokens(128)).await();
    io.agentbus.llm.local.OpenAiEndpoint endpoint = io.agentbus.llm.local.OpenAiEndpoint.start(vertx, model, "127.0.0.1", 0).await();
    LlmClient http = LlmClient.openAi(vertx, new OpenAiOptions().setBaseUrl(endpoint.baseUrl("127.0.0.1")).setMaxRetries(0));
    ChatRequest req = new ChatRequest("smollm2-135m-instruct", List.of(ChatMessage.user(
        "Write a long paragraph about microgrids trading power with each other.")), List.of(), 128);
    model.complete(req).await();  // warm-up
    List<String> rows = new ArrayList<>();
    for (String path : List.of("in-process (LocalModel)", "OpenAI endpoint over HTTP")) {
      double tokens = 0;
      double nanos = 0;
      List<Double> firsts = new ArrayList<>();
      List<Double> walls = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        long before = model.stats().completionTokens();
        long genBefore = model.stats().generationNanos();
        long t0 = System.nanoTime();
        (path.startsWith("in-process") ? model.complete(req) : http.complete(req)).await();
        walls.add((System.nanoTime() - t0) / 1e6);
        tokens += model.stats().completionTokens() - before;
        nanos += model.stats().generationNanos() - genBefore;
        firsts.add(model.stats().lastFirstTokenNanos() / 1e6);
      }
      rows.add(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.0f |", path, tokens * 1e9 / nanos,
          median(firsts.stream().mapToDouble(Double::doubleValue).toArray()),
          median(walls.stream().mapToDouble(Double::doubleValue).toArray())));
    }
    BenchTable.print("Local model SmolLM2-135M-Instruct Q4_1, 128 tokens, median of 5", "| path | tokens/s | first token ms | request ms |",
        "|---|---:|---:|---:|", rows);
    endpoint.close().await();
    model.close().await();
    vertx.close().await();
  }
}
