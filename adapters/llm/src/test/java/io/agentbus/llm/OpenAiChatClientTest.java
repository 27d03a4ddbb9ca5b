package io.agentbus.llm;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenAiChatClientTest {

  private Vertx vertx;
  private FakeOpenAi server;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = FakeOpenAi.start(vertx);
  }

  @AfterEach
  void stop() {
    server.close();
    await(vertx.close());
  }

  private LlmClient client(int retries) {
    return LlmClient.openAi(vertx, new OpenAiOptions().setBaseUrl(server.baseUrl()).setApiKey("sk-test")
        .setMaxRetries(retries).setRetryBaseDelayMillis(10).setTimeoutMillis(2_000));
  }

  private static ChatRequest request() {
    ToolSpec add = new ToolSpec("add", "adds", new JsonObject().put("type", "object"), RiskLevel.LOW);
    return new ChatRequest("test-model", List.of(ChatMessage.system("be brief"), ChatMessage.user("2+2?"),
        ChatMessage.assistant("", List.of(new ToolCall("c1", "add", new JsonObject().put("a", 2)))),
        ChatMessage.tool("c1", "{\"sum\":4}")), List.of(add), 64);
  }

  @Test
  void sendsOpenAiRequestsAndReadsToolCallsAndUsage() {
    server.thenToolCall("call_9", "add", "{\"a\":1,\"b\":2}", 30, 7);
    ChatCompletion c = await(client(0).complete(request()));
    assertThat(c.toolCalls()).containsExactly(new ToolCall("call_9", "add", new JsonObject().put("a", 1).put("b", 2)));
    assertThat(c.usage()).isEqualTo(new Usage(30, 7));
    assertThat(c.finishReason()).isEqualTo("tool_calls");
    FakeOpenAi.Received r = server.received().get(0);
    assertThat(r.authorization()).isEqualTo("Bearer sk-test");
    assertThat(r.body().getString("model")).isEqualTo("test-model");
    assertThat(r.body().getInteger("max_tokens")).isEqualTo(64);
    assertThat(r.body().getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name")).isEqualTo("add");
    JsonObject assistant = r.body().getJsonArray("messages").getJsonObject(2);
    assertThat(assistant.getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function").getString("arguments"))
        .isEqualTo("{\"a\":2}");
    assertThat(r.body().getJsonArray("messages").getJsonObject(3).getString("tool_call_id")).isEqualTo("c1");
  }

  @Test
  void argumentsThatAreNotAJsonObjectAreMarkedNotThrown() {
    server.thenToolCall("c", "add", "{not json", 1, 1);
    ChatCompletion c = await(client(0).complete(request()));
    assertThat(c.toolCalls().get(0).hasInvalidArguments()).isTrue();
  }

  @Test
  void aClientErrorFailsAtOnceWithTheProvidersMessage() {
    server.thenError(401, "Incorrect API key provided", null).thenAnswer("never", 1, 1);
    Throwable err = awaitFailure(client(3).complete(request()));
    assertThat(err).isInstanceOf(LlmException.class).hasMessageContaining("HTTP 401").hasMessageContaining("Incorrect API key");
    assertThat(((LlmException) err).retryable()).isFalse();
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void rateLimitsAndServerErrorsAreRetriedHonouringRetryAfter() {
    server.thenError(429, "slow down", "0.05").thenError(503, "overloaded", null).thenAnswer("fine", 3, 1);
    ChatCompletion c = await(client(2).complete(request()));
    assertThat(c.content()).isEqualTo("fine");
    assertThat(server.received()).hasSize(3);
  }

  @Test
  void retriesStopAtTheLimit() {
    server.thenError(500, "boom", null).thenError(500, "boom", null).thenAnswer("too late", 1, 1);
    Throwable err = awaitFailure(client(1).complete(request()));
    assertThat(err).hasMessageContaining("HTTP 500").hasMessageContaining("boom");
    assertThat(((LlmException) err).retryable()).isTrue();
    assertThat(server.received()).hasSize(2);
  }

  @Test
  void aSlowServerTimesOut() {
    server.then(req -> new FakeOpenAi.Reply(200, FakeOpenAi.completion("m", "late", null, 1, 1), 5_000, null));
    LlmClient c = LlmClient.openAi(vertx, new OpenAiOptions().setBaseUrl(server.baseUrl()).setTimeoutMillis(200).setMaxRetries(0));
    long t0 = System.nanoTime();
    Throwable err = awaitFailure(c.complete(request()));
    assertThat(err).isInstanceOf(LlmException.class).hasMessageContaining("timed out");
    assertThat((System.nanoTime() - t0) / 1_000_000).as("failed well before the server's 5 s").isLessThan(4_000);
  }

  @Test
  void aBodyThatIsNotACompletionIsAnError() {
    server.then(req -> new FakeOpenAi.Reply(200, new JsonObject().put("hello", "world"), 0, null));
    assertThat(awaitFailure(client(2).complete(request()))).hasMessageContaining("no choices");
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void nothingIsSentToAnUnreachableEndpointForever() {
    LlmClient c = LlmClient.openAi(vertx, new OpenAiOptions().setBaseUrl("http://127.0.0.1:1/v1").setMaxRetries(1)
        .setRetryBaseDelayMillis(10));
    assertThat(awaitFailure(c.complete(request()))).isInstanceOf(LlmException.class).hasMessageContaining("cannot reach");
  }

  @Test
  void badOptionsAndRequestsAreRefused() {
    assertThatThrownBy(() -> new OpenAiOptions().setBaseUrl("localhost:8080")).hasMessageContaining("absolute http(s) URL");
    assertThatThrownBy(() -> new ChatRequest("m", List.of(), List.of(), 10)).hasMessageContaining("at least one message");
    assertThatThrownBy(() -> new ToolSpec("rm -rf", "", null, null)).hasMessageContaining("invalid tool name");
  }

  @Test
  void manyConcurrentCallsAreOpenAtOnceNotFiveAtATime() {
    // a model server that answers nobody until 20 requests are open at once: with the HTTP client's
    // usual pool of 5 connections the sixth call waits for the first, which never answers, and all time out
    int concurrent = 20;
    java.util.List<io.vertx.core.http.HttpServerRequest> open = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.vertx.core.http.HttpServer gate = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      open.add(req);
      if (open.size() == concurrent) {
        for (io.vertx.core.http.HttpServerRequest r : open) {
          r.response().putHeader("content-type", "application/json")
              .end(FakeOpenAi.completion("test-model", "ok", null, 1, 1).encode());
        }
      }
    })).listen(0, "127.0.0.1"));
    LlmClient client = LlmClient.openAi(vertx, new OpenAiOptions().setBaseUrl("http://127.0.0.1:" + gate.actualPort() + "/v1")
        .setMaxRetries(0).setTimeoutMillis(5_000));
    java.util.List<io.vertx.core.Future<ChatCompletion>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < concurrent; i++) {
      calls.add(client.complete(new ChatRequest("test-model", List.of(ChatMessage.user("hi " + i)), List.of(), 8)));
    }
    await(io.vertx.core.Future.join(calls).otherwiseEmpty());
    assertThat(calls).allSatisfy(c -> assertThat(c.succeeded()).as(String.valueOf(c.cause())).isTrue());
    assertThat(open).hasSize(concurrent);
    await(gate.close());
  }

  @Test
  void callsFromAThreadThatIsNotVertxAreAllAnswered() {
    // Vert.x 5.0.7's HttpClient.request, called from a plain thread, now and then never completes
    // after a burst like this one (each such call gets a new context, on another event loop than the
    // pooled connection's); the WebClient this client is built on does not, and callers on any
    // thread must keep getting answers
    java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
    io.vertx.core.http.HttpServer model = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      long delay = seen.incrementAndGet() % 9 < 2 ? 5 : 0;
      Runnable answer = () -> req.response().putHeader("content-type", "application/json")
          .end(FakeOpenAi.completion("test-model", "ok", null, 1, 1).encode());
      if (delay > 0) {
        vertx.setTimer(delay, t -> answer.run());
      } else {
        answer.run();
      }
    })).listen(0, "127.0.0.1"));
    LlmClient client = LlmClient.openAi(vertx, new OpenAiOptions().setBaseUrl("http://127.0.0.1:" + model.actualPort() + "/v1")
        .setMaxRetries(0).setTimeoutMillis(3_000).setMaxConnections(5));
    ChatRequest hi = new ChatRequest("test-model", List.of(ChatMessage.user("hi")), List.of(), 8);
    for (int round = 0; round < 150; round++) {
      java.util.List<io.vertx.core.Future<ChatCompletion>> burst = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        burst.add(client.complete(hi));
      }
      await(io.vertx.core.Future.all(burst));
      for (int i = 0; i < 4; i++) {
        assertThat(await(client.complete(hi)).content()).as("round %d, call %d", round, i).isEqualTo("ok");
      }
    }
    await(model.close());
  }
}
