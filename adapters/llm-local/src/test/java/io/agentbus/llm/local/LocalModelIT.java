package io.agentbus.llm.local;

import io.agentbus.llm.ChatCompletion;
import io.agentbus.llm.ChatMessage;
import io.agentbus.llm.ChatRequest;
import io.agentbus.llm.LlmClient;
import io.agentbus.llm.OpenAiOptions;
import io.agentbus.llm.RiskLevel;
import io.agentbus.llm.ToolSpec;
import io.agentbus.llm.loop.BudgetLedger;
import io.agentbus.llm.loop.LoopExit;
import io.agentbus.llm.loop.LoopOptions;
import io.agentbus.llm.loop.LoopResult;
import io.agentbus.llm.loop.RunObserver;
import io.agentbus.llm.loop.Tool;
import io.agentbus.llm.loop.ToolLoop;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.agentbus.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bundled SmolLM2-135M for real (scripts/fetch-model puts it in the cache): served as OpenAI
 * chat completions on loopback, used through agentbus's own OpenAI client and the tool loop.
 */
class LocalModelIT {

  private static Vertx vertx;
  private static LocalModel model;
  private static OpenAiEndpoint endpoint;
  private static HttpClient http;
  /**
   * Where the test's HTTP requests are made. Vert.x 5.0.7's {@code HttpClient.request}, called from a
   * thread that is not Vert.x's (JUnit's), now and then never completes after a burst: each such call
   * gets a new context on another event loop than the pooled connection's. One context, as Vert.x's
   * maintainers advise, and it never happens.
   */
  private static io.vertx.core.Context context;

  static Path modelFile() {
    Path file = LocalModelOptions.bundledModel(System.getenv());
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("no model at " + file + ": run scripts/fetch-model (scripts/test does)");
    }
    return file;
  }

  @BeforeAll
  static void load() {
    vertx = Vertx.vertx();
    model = await(LocalModel.load(vertx, new LocalModelOptions(modelFile()).setMaxQueue(1).setMaxTokens(256)));
    endpoint = await(OpenAiEndpoint.start(vertx, model, "127.0.0.1", 0));
    context = vertx.getOrCreateContext();
    http = vertx.createHttpClient();
  }

  @AfterAll
  static void unload() {
    await(endpoint.close());
    await(model.close());
    await(vertx.close());
  }

  private record Reply(int status, JsonObject body, String retryAfter) {
  }

  private Future<Reply> post(String path, Buffer body) {
    io.vertx.core.Promise<Reply> reply = io.vertx.core.Promise.promise();
    context.runOnContext(v -> send(path, body).onComplete(reply));
    return reply.future();
  }

  private Future<Reply> send(String path, Buffer body) {
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(endpoint.port()).setURI(path)
            .putHeader("content-type", "application/json"))
        .compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(),
            b.length() == 0 ? null : new JsonObject(b), resp.getHeader("Retry-After"))));
  }

  private Reply post(JsonObject body) {
    return await(post("/v1/chat/completions", body.toBuffer()));
  }

  private static JsonObject chat(String text, int maxTokens) {
    return new JsonObject().put("model", "smollm2-135m-instruct").put("max_tokens", maxTokens)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", text)));
  }

  @Test
  void answersThroughTheOpenAiClientWithRealTokenCounts() {
    LlmClient client = LlmClient.openAi(vertx, new OpenAiOptions().setBaseUrl(endpoint.baseUrl("127.0.0.1")));
    ChatCompletion c = await(client.complete(new ChatRequest("smollm2-135m-instruct",
        List.of(ChatMessage.system("Answer briefly."), ChatMessage.user("What is the capital of France?")), List.of(), 32)));
    assertThat(c.content()).isNotBlank();
    assertThat(c.usage().promptTokens()).isGreaterThan(5);
    assertThat(c.usage().completionTokens()).isBetween(1L, 32L);
    assertThat(c.toolCalls()).isEmpty();
    assertThat(model.stats().tokensPerSecond()).isPositive();
  }

  @Test
  void offeredToolsComeBackAsOneValidToolCall() {
    JsonObject req = chat("What is the current market price? Use the market_state tool.", 64)
        .put("tools", new JsonArray().add(new JsonObject().put("type", "function").put("function", new JsonObject()
            .put("name", "market_state").put("description", "The latest market step: price and trades.")
            .put("parameters", new JsonObject().put("type", "object").put("properties", new JsonObject())))))
        .put("tool_choice", "required");
    Reply r = post(req);
    assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(200);
    JsonObject choice = r.body().getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getString("finish_reason")).isEqualTo("tool_calls");
    JsonObject call = choice.getJsonObject("message").getJsonArray("tool_calls").getJsonObject(0);
    assertThat(call.getJsonObject("function").getString("name")).isEqualTo("market_state");
    assertThat(new JsonObject(call.getJsonObject("function").getString("arguments"))).isEqualTo(new JsonObject());
    assertThat(r.body().getJsonObject("usage").getLong("total_tokens")).isPositive();
  }

  @Test
  void theToolLoopRunsAToolTheModelChose() {
    AtomicInteger calls = new AtomicInteger();
    LoopOptions options = new LoopOptions().setModel("smollm2-135m-instruct").setMaxTokensPerCall(64).setMaxIterations(4)
        .setInstructions("You are the operator's assistant for a microgrid market. Use the tools, then answer briefly.")
        .addTool(Tool.of(new ToolSpec("market_state", "The latest market step: clearing price and trades.",
            new JsonObject().put("type", "object").put("properties", new JsonObject()), RiskLevel.LOW), args -> {
              calls.incrementAndGet();
              return new JsonObject().put("price", 41.5).put("trades", 3);
            }));
    LoopResult r = await(new ToolLoop("assistant/test", model, BudgetLedger.shared(vertx, Clock.systemUTC()), null, options,
        RunObserver.NONE, Clock.systemUTC()).run("run-local-1", "What is the market price right now? Check with market_state.", null));
    assertThat(r.exit()).as(r.toJson().encode()).isEqualTo(LoopExit.SATISFIED);
    assertThat(calls.get()).isGreaterThanOrEqualTo(1);
    assertThat(r.toolCalls()).isGreaterThanOrEqualTo(1);
    assertThat(r.totalTokens()).isPositive();
  }

  @Test
  void aFullQueueIsRefusedWith429AndRetryAfter() {
    // one generating, one waiting (max queue 1): the third and later are refused at once
    List<Future<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      replies.add(post("/v1/chat/completions", chat("Write a long story about the sea, number " + i, 48).toBuffer()));
    }
    await(Future.join(replies));
    List<Reply> done = replies.stream().map(Future::result).toList();
    assertThat(done).filteredOn(r -> r.status() == 200).hasSizeGreaterThanOrEqualTo(2);
    List<Reply> refused = done.stream().filter(r -> r.status() == 429).toList();
    assertThat(refused).isNotEmpty().allSatisfy(r -> {
      assertThat(Integer.parseInt(r.retryAfter())).isBetween(1, 60);
      assertThat(r.body().getJsonObject("error").getString("type")).isEqualTo("rate_limit_error");
    });
    assertThat(model.stats().refused()).isGreaterThanOrEqualTo(refused.size());
  }

  @Test
  void badRequestsGetOpenAiErrorsNamingTheField() {
    Reply stream = post(chat("hi", 8).put("stream", true));
    assertThat(stream.status()).isEqualTo(400);
    assertThat(stream.body().getJsonObject("error").getString("message")).contains("stream");
    Reply noMessages = post(new JsonObject().put("model", "x"));
    assertThat(noMessages.status()).isEqualTo(400);
    assertThat(noMessages.body().getJsonObject("error").getString("message")).contains("messages");
    Reply badRole = post(new JsonObject().put("messages", new JsonArray().add(new JsonObject().put("role", "wizard").put("content", "x"))));
    assertThat(badRole.body().getJsonObject("error").getString("message")).contains("messages[0].role");
    Reply notJson = await(post("/v1/chat/completions", Buffer.buffer("{not json")));
    assertThat(notJson.status()).isEqualTo(400);
    Reply huge = await(post("/v1/chat/completions", Buffer.buffer("{\"x\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}")));
    assertThat(huge.status()).isEqualTo(413);
    Reply nowhere = await(post("/v1/other", Buffer.buffer("{}")));
    assertThat(nowhere.status()).isEqualTo(404);
    assertThat(nowhere.body().getJsonObject("error").getString("message")).contains("/v1/chat/completions");
  }
}
