package io.agentbus.llm.local;

import io.agentbus.llm.ChatCompletion;
import io.agentbus.llm.ToolCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/**
 * A {@link LocalModel} served as OpenAI's chat-completions API, so any OpenAI-compatible client
 * (agentbus's own, the OpenAI SDKs, AutoGen's {@code OpenAIChatCompletionClient}) uses it with no
 * API key: {@code POST /v1/chat/completions} (no streaming, {@code n} = 1, {@code tool_choice}
 * {@code auto}, {@code none} or {@code required}) and {@code GET /v1/models}.
 *
 * <p>Errors are OpenAI-shaped: 400 {@code invalid_request_error} naming the bad field, 413 for a
 * body over 1 MiB, 429 with {@code Retry-After} when the model's queue is full, 500 otherwise.
 * It has no authentication: bind it to loopback (the node does).
 */
public final class OpenAiEndpoint {

  /** The largest request body taken. */
  public static final long MAX_BODY_BYTES = 1024 * 1024;

  private final LocalModel model;
  private HttpServer server;

  private OpenAiEndpoint(LocalModel model) {
    this.model = model;
  }

  /**
   * @param vertx the Vert.x
   * @param model the model to serve
   * @param host the interface (loopback unless this endpoint is put behind something that authenticates)
   * @param port the port (0: any free one)
   * @return the endpoint, listening
   */
  public static Future<OpenAiEndpoint> start(Vertx vertx, LocalModel model, String host, int port) {
    OpenAiEndpoint endpoint = new OpenAiEndpoint(model);
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setIdleTimeout(120))
        .requestHandler(endpoint.router(vertx)).listen().map(s -> {
          endpoint.server = s;
          return endpoint;
        });
  }

  /**
   * @param vertx the Vert.x
   * @return the routes, to mount on a router of one's own
   */
  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.post("/v1/chat/completions").handler(OpenAiEndpoint::readBody).handler(this::complete);
    router.get("/v1/models").handler(ctx -> json(ctx, 200, new JsonObject().put("object", "list").put("data", new JsonArray()
        .add(new JsonObject().put("id", model.name()).put("object", "model").put("created", 0).put("owned_by", "agentbus")))));
    router.route().last().handler(ctx -> error(ctx, 404, "invalid_request_error", "no route " + ctx.request().method() + " "
        + ctx.request().path() + " (this server has POST /v1/chat/completions and GET /v1/models)"));
    router.route().failureHandler(ctx -> {
      int status = ctx.statusCode() == 413 ? 413 : ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      error(ctx, status, status == 413 ? "invalid_request_error" : "server_error",
          status == 413 ? "the request body is over " + MAX_BODY_BYTES + " bytes" : String.valueOf(ctx.failure()));
    });
    return router;
  }

  /** Past this much an oversized body is not even drained: the connection is closed. */
  private static final long MAX_DRAINED_BYTES = 16L * 1024 * 1024;
  private static final String BODY = "agentbus.llm.local.body";

  /**
   * Reads the body up to {@link #MAX_BODY_BYTES}. An oversized one is drained (up to 16 MiB) and
   * then answered 413, so that a client still writing it reads the answer instead of a reset;
   * beyond 16 MiB the connection is closed.
   */
  private static void readBody(RoutingContext ctx) {
    io.vertx.core.http.HttpServerRequest req = ctx.request();
    io.vertx.core.buffer.Buffer body = io.vertx.core.buffer.Buffer.buffer();
    long[] seen = {0};
    req.handler(chunk -> {
      seen[0] += chunk.length();
      if (seen[0] > MAX_DRAINED_BYTES) {
        req.connection().close();
      } else if (seen[0] <= MAX_BODY_BYTES) {
        body.appendBuffer(chunk);
      }
    });
    req.endHandler(v -> {
      if (seen[0] > MAX_BODY_BYTES) {
        error(ctx, 413, "invalid_request_error", "the request body is " + seen[0] + " bytes, over " + MAX_BODY_BYTES);
      } else {
        ctx.put(BODY, body);
        ctx.next();
      }
    });
    req.resume();
  }

  private void complete(RoutingContext ctx) {
    JsonObject body;
    try {
      io.vertx.core.buffer.Buffer raw = ctx.get(BODY);
      body = raw.length() == 0 ? null : new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      error(ctx, 400, "invalid_request_error", "the body is not a JSON object: " + e.getMessage());
      return;
    }
    if (body == null) {
      error(ctx, 400, "invalid_request_error", "the body is empty; expected a chat-completions request");
      return;
    }
    ChatRequests.Decoded decoded;
    try {
      decoded = ChatRequests.decode(body, model.name(), Math.min(256, model.options().getMaxTokens()));
    } catch (IllegalArgumentException e) {
      error(ctx, 400, "invalid_request_error", e.getMessage());
      return;
    }
    Future<ChatCompletion> answer = model instanceof io.agentbus.llm.local.impl.LlamaLocalModel llama
        ? llama.complete(decoded.request(), decoded.toolRequired()) : model.complete(decoded.request());
    answer.onComplete(ar -> {
      if (ar.succeeded()) {
        json(ctx, 200, encode(ar.result()));
      } else if (ar.cause() instanceof LocalModelBusyException busy) {
        ctx.response().putHeader("Retry-After", String.valueOf(busy.retryAfterSeconds()));
        error(ctx, 429, "rate_limit_error", busy.getMessage());
      } else if (ar.cause() instanceof IllegalArgumentException bad) {
        error(ctx, 400, "invalid_request_error", bad.getMessage());
      } else {
        error(ctx, 500, "server_error", String.valueOf(ar.cause().getMessage()));
      }
    });
  }

  /** @return the completion in OpenAI's response shape */
  static JsonObject encode(ChatCompletion c) {
    JsonObject message = new JsonObject().put("role", "assistant").put("content", c.toolCalls().isEmpty() ? c.content() : null);
    if (!c.toolCalls().isEmpty()) {
      JsonArray calls = new JsonArray();
      for (ToolCall t : c.toolCalls()) {
        calls.add(new JsonObject().put("id", t.id()).put("type", "function")
            .put("function", new JsonObject().put("name", t.name()).put("arguments", t.arguments().encode())));
      }
      message.put("tool_calls", calls);
    }
    return new JsonObject().put("id", "chatcmpl-" + UUID.randomUUID()).put("object", "chat.completion")
        .put("created", System.currentTimeMillis() / 1000).put("model", c.model())
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message)
            .put("finish_reason", c.finishReason())))
        .put("usage", new JsonObject().put("prompt_tokens", c.usage().promptTokens())
            .put("completion_tokens", c.usage().completionTokens()).put("total_tokens", c.usage().totalTokens()));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
  }

  private static void error(RoutingContext ctx, int status, String type, String message) {
    json(ctx, status, new JsonObject().put("error", new JsonObject().put("message", message).put("type", type)
        .putNull("param").putNull("code")));
  }

  /** @return the port it listens on */
  public int port() {
    return server.actualPort();
  }

  /** @return the base URL for an OpenAI-compatible client ({@code http://host:port/v1}) */
  public String baseUrl(String host) {
    return "http://" + host + ":" + port() + "/v1";
  }

  /** Stops listening (the model stays loaded). */
  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
