package io.agentbus.llm;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static io.agentbus.testing.Await.await;

/**
 * A test server speaking OpenAI's chat-completions HTTP protocol, answering from a script: each
 * request takes the next scripted step (a function of the request body giving a status and a body).
 * When the script is empty it answers 500. Records every request with its headers.
 */
public final class FakeOpenAi implements AutoCloseable {

  /** A scripted answer. */
  public record Reply(int status, JsonObject body, long delayMillis, String retryAfter) {
  }

  /** A recorded request. */
  public record Received(JsonObject body, String authorization) {
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final Deque<Function<JsonObject, Reply>> script = new ArrayDeque<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();

  private FakeOpenAi(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(req -> {
      if (!req.path().equals("/v1/chat/completions") || !req.method().name().equals("POST")) {
        req.response().setStatusCode(404).end(new JsonObject().put("error", new JsonObject().put("message", "no route")).encode());
        return;
      }
      req.body().onSuccess(buf -> {
        JsonObject body = buf.toJsonObject();
        received.add(new Received(body, req.getHeader("Authorization")));
        Function<JsonObject, Reply> step;
        synchronized (script) {
          step = script.poll();
        }
        Reply reply = step == null ? new Reply(500, error("script exhausted"), 0, null) : step.apply(body);
        Runnable send = () -> {
          var resp = req.response().setStatusCode(reply.status()).putHeader("Content-Type", "application/json");
          if (reply.retryAfter() != null) {
            resp.putHeader("Retry-After", reply.retryAfter());
          }
          resp.end(reply.body().encode());
        };
        if (reply.delayMillis() > 0) {
          vertx.setTimer(reply.delayMillis(), t -> send.run());
        } else {
          send.run();
        }
      });
    });
  }

  /** Starts a server on a free loopback port. */
  public static FakeOpenAi start(Vertx vertx) {
    FakeOpenAi f = new FakeOpenAi(vertx);
    await(f.server.listen(0, "127.0.0.1"));
    return f;
  }

  /** @return the base URL to configure clients with */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  /** Adds a scripted step. */
  public FakeOpenAi then(Function<JsonObject, Reply> step) {
    synchronized (script) {
      script.add(step);
    }
    return this;
  }

  /** Adds an answer with text and usage. */
  public FakeOpenAi thenAnswer(String content, int promptTokens, int completionTokens) {
    return then(req -> new Reply(200, completion(req.getString("model"), content, null, promptTokens, completionTokens), 0, null));
  }

  /** Adds an answer calling one tool. */
  public FakeOpenAi thenToolCall(String id, String name, String arguments, int promptTokens, int completionTokens) {
    JsonArray calls = new JsonArray().add(new JsonObject().put("id", id).put("type", "function")
        .put("function", new JsonObject().put("name", name).put("arguments", arguments)));
    return then(req -> new Reply(200, completion(req.getString("model"), null, calls, promptTokens, completionTokens), 0, null));
  }

  /** Adds an error answer. */
  public FakeOpenAi thenError(int status, String message, String retryAfter) {
    return then(req -> new Reply(status, error(message), 0, retryAfter));
  }

  /** @return the requests received so far */
  public List<Received> received() {
    return received;
  }

  /** @return a chat-completions response body */
  public static JsonObject completion(String model, String content, JsonArray toolCalls, int prompt, int completion) {
    JsonObject message = new JsonObject().put("role", "assistant").put("content", content);
    if (toolCalls != null) {
      message.put("tool_calls", toolCalls);
    }
    return new JsonObject().put("id", "chatcmpl-test").put("object", "chat.completion").put("model", model)
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message)
            .put("finish_reason", toolCalls == null ? "stop" : "tool_calls")))
        .put("usage", new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion)
            .put("total_tokens", prompt + completion));
  }

  private static JsonObject error(String message) {
    return new JsonObject().put("error", new JsonObject().put("message", message).put("type", "test"));
  }

  @Override
  public void close() {
    await(server.close());
  }
}
