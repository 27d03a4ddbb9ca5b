package io.agentbus.node;

import io.agentbus.llm.FakeOpenAi;
import io.agentbus.testing.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.time.Duration;
import java.util.Map;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's LLM run drill-down, in headless Chromium: a run of the assistant (a scripted
 * OpenAI-compatible model that calls the market tool) clicked in the runs table shows its prompt,
 * each model call with its tokens, the tool call with its arguments and result, the answer and the
 * cost, read from {@code GET /api/llm/runs/{id}}.
 */
class LlmRunPageIT {

  @Test
  void aRunClickedInTheTableShowsPromptModelCallsToolCallsAnswerAndCost() throws Exception {
    Vertx side = Vertx.vertx();
    FakeOpenAi model = FakeOpenAi.start(side);
    int port = FreePorts.pick(1).get(0);
    NodeMain.Running node = await(NodeMain.start(NodeConfig.load(new String[] {"--http-port", String.valueOf(port),
        "--step-interval-ms", "100", "--verticles", "market,llm", "--llm-base-url", model.baseUrl(), "--llm-model", "test-model",
        "--llm-price", "0,1", "--llm-max-tokens-per-call", "100", "--llm-max-daily-cost-usd", "5"},
        Map.of("AGENTBUS_LLM_API_KEY", "sk-node"))));
    WebClient web = WebClient.create(side);
    try {
      until("a market step", Duration.ofSeconds(15), () -> await(web.get(port, "127.0.0.1", "/api/market").send()).statusCode() == 200);
      model.thenToolCall("c1", "market_state", "{}", 200, 10).then(req -> {
        String toolResult = req.getJsonArray("messages").getJsonObject(req.getJsonArray("messages").size() - 1).getString("content");
        return new FakeOpenAi.Reply(200, FakeOpenAi.completion("test-model", "The market is at step "
            + new JsonObject(toolResult).getValue("step"), null, 300, 90), 0, null);
      });
      JsonObject result = await(web.post(port, "127.0.0.1", "/api/llm/run").timeout(30_000)
          .sendJsonObject(new JsonObject().put("message", "Where is the market?"))).bodyAsJsonObject();
      assertThat(result.getString("exit")).isEqualTo("SATISFIED");
      String runId = result.getString("runId");

      // the stored run keeps each tool call's arguments and result
      JsonObject stored = await(web.get(port, "127.0.0.1", "/api/llm/runs/" + runId).send()).bodyAsJsonObject();
      JsonArray steps = stored.getJsonArray("interactions");
      JsonObject tool = steps.stream().map(JsonObject.class::cast).filter(i -> "tool".equals(i.getString("kind"))).findFirst()
          .orElseThrow();
      assertThat(tool.getString("tool")).isEqualTo("market_state");
      assertThat(tool.getJsonObject("arguments")).isEqualTo(new JsonObject());
      assertThat(tool.getJsonObject("detail").encode()).contains("\"step\"");
      assertThat(steps.stream().map(JsonObject.class::cast).filter(i -> "intention".equals(i.getString("kind")))).hasSize(2);

      try (Browser browser = Browser.start()) {
        browser.open("http://127.0.0.1:" + port + "/");
        browser.domWhen("the run in the table", Duration.ofSeconds(15), d -> d.contains("data-run=\"" + runId + "\""));
        browser.run("document.querySelector('#llm-runs tr[data-run=\"" + runId + "\"] td').click();");
        String dom = browser.domWhen("the run's page", Duration.ofSeconds(15), d -> d.contains("The market is at step")
            && d.contains("id=\"llm-run-prompt\">Where is the market?<"));
        assertThat(dom).contains("id=\"llm-run-id\">" + runId + "<")
            .contains("tool <b>market_state</b>({}) → ")
            .contains("model call 1, 210 tokens")
            .contains("model call 2, 390 tokens")
            .containsPattern("assistant/default, SATISFIED, 2 model calls, 1 tool calls, 600 tokens, \\$0\\.1000");
        browser.run("document.getElementById('llm-run').scrollIntoView();");
        browser.screenshot(new File("target/dashboard-llm-run.png"));
        // a run the store does not know: the page says so
        browser.run("document.querySelector('#llm-runs tr[data-run]').dataset.run = 'assistant-unknown';"
            + "document.querySelector('#llm-runs tr[data-run] td').click();");
        browser.domWhen("the page saying the run is unknown", Duration.ofSeconds(10),
            d -> d.contains("no stored run assistant-unknown"));
      }
    } finally {
      await(node.stop());
      model.close();
      await(side.close());
    }
  }
}
