package io.agentbus.node;

import io.agentbus.llm.FakeOpenAi;
import io.agentbus.testing.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node with {@code --verticles market,llm}: the assistant reads the market through its tool. */
class LlmNodeTest {

  @Test
  void theAssistantAnswersOverHttpUsingTheMarketTool() {
    Vertx side = Vertx.vertx();
    FakeOpenAi model = FakeOpenAi.start(side);
    int port = FreePorts.pick(1).get(0);
    NodeConfig config = NodeConfig.load(new String[] {"--http-port", String.valueOf(port), "--step-interval-ms", "100",
        "--verticles", "market,llm", "--llm-base-url", model.baseUrl(), "--llm-model", "test-model",
        "--llm-price", "0,1", "--llm-max-tokens-per-call", "100", "--llm-max-daily-cost-usd", "0.19"}, Map.of("AGENTBUS_LLM_API_KEY", "sk-node"));
    NodeMain.Running node = await(NodeMain.start(config));
    WebClient web = WebClient.create(side);
    try {
      until("a market step", Duration.ofSeconds(15), () -> await(web.get(port, "127.0.0.1", "/api/market").send()).statusCode() == 200);
      model.thenToolCall("c1", "market_state", "{}", 200, 10).then(req -> {
        // the tool's result (the market's latest step) went back to the model
        String toolResult = req.getJsonArray("messages").getJsonObject(req.getJsonArray("messages").size() - 1).getString("content");
        String text = new JsonObject(toolResult).containsKey("step") ? "The market is at step " + new JsonObject(toolResult)
            .getValue("step") : "no market";
        return new FakeOpenAi.Reply(200, FakeOpenAi.completion("test-model", text, null, 300, 90), 0, null);
      });
      HttpResponse<Buffer> r = await(web.post(port, "127.0.0.1", "/api/llm/run")
          .sendJsonObject(new JsonObject().put("message", "Where is the market?")));
      assertThat(r.statusCode()).isEqualTo(200);
      JsonObject result = r.bodyAsJsonObject();
      assertThat(result.getString("exit")).isEqualTo("SATISFIED");
      assertThat(result.getJsonObject("payload").getString("text")).startsWith("The market is at step ");
      // prompt tokens free, 10 + 90 completion tokens at $1/1k
      assertThat(result.getDouble("costUsd")).isEqualTo(0.1);
      assertThat(model.received().get(0).body().getInteger("max_tokens")).isEqualTo(100);
      assertThat(model.received().get(0).authorization()).isEqualTo("Bearer sk-node");
      assertThat(model.received().get(0).body().getString("model")).isEqualTo("test-model");

      // $0.10 of the $0.19 cap spent: the next call's reservation ($0.10) does not fit; refused before any model call
      int calls = model.received().size();
      JsonObject refused = await(web.post(port, "127.0.0.1", "/api/llm/run").sendJsonObject(new JsonObject().put("message", "again")))
          .bodyAsJsonObject();
      assertThat(refused.getString("exit")).isEqualTo("BUDGET_EXCEEDED");
      assertThat(model.received()).hasSize(calls);

      JsonObject view = await(web.get(port, "127.0.0.1", "/api/llm").send()).bodyAsJsonObject();
      assertThat(view.getJsonObject("exits").getInteger("SATISFIED")).isEqualTo(1);
      assertThat(view.getJsonObject("exits").getInteger("BUDGET_EXCEEDED")).isEqualTo(1);
      assertThat(view.getJsonObject("budgets").getJsonObject("assistant").getDouble("costUsdToday")).isEqualTo(0.1);

      // the dashboard streams the same view (section "llm")
      java.util.List<JsonObject> frames = new java.util.concurrent.CopyOnWriteArrayList<>();
      io.vertx.core.http.WebSocketClient wsClient = side.createWebSocketClient();
      // the handler is set before connecting, or the snapshot (sent at once) could go unread
      await(wsClient.webSocket().textMessageHandler(t -> frames.add(new JsonObject(t))).connect(port, "127.0.0.1", "/ws"));
      until("the llm section with both runs", Duration.ofSeconds(10), () -> frames.stream()
          .map(f -> f.getJsonObject("sections").getJsonObject("llm"))
          .anyMatch(l -> l != null && l.getJsonArray("recent", new io.vertx.core.json.JsonArray()).size() == 2));

      assertThat(await(web.post(port, "127.0.0.1", "/api/llm/run").sendJsonObject(new JsonObject().put("msg", "x"))).statusCode())
          .isEqualTo(400);
      assertThat(await(web.post(port, "127.0.0.1", "/api/llm/run").sendJsonObject(new JsonObject().put("message", "x")
          .put("agent", "bad\u0007key"))).bodyAsJsonObject().getString("error")).contains("agent key");
    } finally {
      await(node.stop());
      model.close();
      await(side.close());
    }
  }

  @Test
  void theLlmVerticleNeedsAnEndpoint() {
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--verticles", "llm"}, Map.of()))
        .hasMessageContaining("llmBaseUrl").hasMessageContaining("--llm-base-url");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--verticles", "llm", "--llm-base-url", "localhost"}, Map.of()))
        .hasMessageContaining("bad value for llmBaseUrl");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--llm-price", "cheap"}, Map.of()))
        .hasMessageContaining("llmPrice");
  }

  @Test
  void withAnOtlpEndpointTheNodeExportsTheRunsTraceAndShowsGenAiMetrics() {
    Vertx side = Vertx.vertx();
    FakeOpenAi model = FakeOpenAi.start(side);
    io.agentbus.llm.tracing.OtlpReceiver receiver = await(io.agentbus.llm.tracing.OtlpReceiver.start(side));
    int port = FreePorts.pick(1).get(0);
    NodeConfig config = NodeConfig.load(new String[] {"--http-port", String.valueOf(port), "--step-interval-ms", "100",
        "--verticles", "market,llm", "--llm-base-url", model.baseUrl(), "--llm-model", "test-model", "--node-name", "traced",
        "--otel-endpoint", receiver.endpoint()}, Map.of());
    NodeMain.Running node = await(NodeMain.start(config));
    WebClient web = WebClient.create(side);
    try {
      until("a market step", Duration.ofSeconds(15), () -> await(web.get(port, "127.0.0.1", "/api/market").send()).statusCode() == 200);
      model.thenToolCall("c1", "market_state", "{}", 200, 10).thenAnswer("fine", 300, 9);
      JsonObject result = await(web.post(port, "127.0.0.1", "/api/llm/run")
          .sendJsonObject(new JsonObject().put("message", "Where is the market?"))).bodyAsJsonObject();
      assertThat(result.getString("exit")).isEqualTo("SATISFIED");
      java.util.List<String> names = java.util.List.of("invoke_agent assistant", "chat test-model", "execute_tool market_state",
          "process assistant");
      until("the run's spans", Duration.ofSeconds(10), () -> receiver.spans().stream().map(s -> s.name()).toList().containsAll(names));
      var spans = receiver.spans().stream().filter(s -> names.contains(s.name())).toList();
      assertThat(spans).extracting(s -> s.traceId()).containsOnly(spans.get(0).traceId());
      assertThat(spans).allSatisfy(s -> assertThat(s.resource()).containsEntry("service.name", "agentbus")
          .containsEntry("service.instance.id", "traced"));
      String metrics = await(web.get(port, "127.0.0.1", "/metrics").send()).bodyAsString();
      assertThat(metrics).contains("# HELP gen_ai_client_token_usage").contains("# HELP gen_ai_client_operation_duration_seconds")
          .contains("gen_ai_token_type=\"input\"").contains("gen_ai_request_model=\"test-model\"");
    } finally {
      await(node.stop());
      model.close();
      await(receiver.close());
      await(side.close());
    }
  }
}
