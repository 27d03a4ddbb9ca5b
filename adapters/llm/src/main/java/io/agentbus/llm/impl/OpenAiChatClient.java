package io.agentbus.llm.impl;

import io.agentbus.llm.ChatCompletion;
import io.agentbus.llm.ChatRequest;
import io.agentbus.llm.LlmClient;
import io.agentbus.llm.LlmException;
import io.agentbus.llm.OpenAiOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.concurrent.TimeoutException;

/** {@link LlmClient} for OpenAI-compatible {@code /chat/completions} endpoints. */
public final class OpenAiChatClient implements LlmClient {

  private static final long MAX_RETRY_AFTER_MILLIS = 30_000;

  private final Vertx vertx;
  private final OpenAiOptions options;
  private final WebClient web;
  private final String url;
  private volatile boolean closed;

  /**
   * @param vertx the Vert.x instance
   * @param options the endpoint and its limits
   */
  public OpenAiChatClient(Vertx vertx, OpenAiOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.web = WebClient.create(vertx, new WebClientOptions().setUserAgent("agentbus-llm")
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.getTimeoutMillis())),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(options.getMaxConnections()));
    this.url = options.getBaseUrl() + "/chat/completions";
  }

  @Override
  public Future<ChatCompletion> complete(ChatRequest request) {
    if (closed) {
      return Future.failedFuture(new LlmException("client is closed", 0, false));
    }
    JsonObject body = OpenAiWire.encode(request);
    Promise<ChatCompletion> promise = Promise.promise();
    attempt(request, body, 0, promise);
    return promise.future();
  }

  private void attempt(ChatRequest request, JsonObject body, int retry, Promise<ChatCompletion> promise) {
    var http = web.postAbs(url).timeout(options.getTimeoutMillis()).putHeader("Accept", "application/json");
    if (options.getApiKey() != null) {
      http.bearerTokenAuthentication(options.getApiKey());
    }
    http.sendJsonObject(body)
        .transform(ar -> ar.succeeded() ? handle(ar.result(), request) : Future.failedFuture(transport(ar.cause())))
        .onSuccess(promise::complete)
        .onFailure(err -> {
          LlmException e = err instanceof LlmException ? (LlmException) err
              : new LlmException("bad response: " + err.getMessage(), 0, false);
          if (e.retryable() && retry < options.getMaxRetries() && !closed) {
            vertx.setTimer(retryDelay(e, retry), t -> attempt(request, body, retry + 1, promise));
          } else {
            promise.fail(e);
          }
        });
  }

  private Future<ChatCompletion> handle(HttpResponse<Buffer> response, ChatRequest request) {
    Buffer buf = response.body();
    int size = buf == null ? 0 : buf.length();
    if (size > options.getMaxResponseBytes()) {
      return Future.failedFuture(new LlmException("response of " + size + " bytes exceeds the limit of "
          + options.getMaxResponseBytes(), response.statusCode(), false));
    }
    int status = response.statusCode();
    if (status != 200) {
      String text = buf == null ? "" : buf.toString();
      boolean retryable = status == 429 || status >= 500;
      return Future.failedFuture(new LlmException("HTTP " + status + " from " + url + ": " + OpenAiWire.errorMessage(text),
          status, retryable, retryAfter(response.getHeader("Retry-After"))));
    }
    try {
      return Future.succeededFuture(OpenAiWire.decode(buf.toJsonObject(), request.model()));
    } catch (LlmException e) {
      return Future.failedFuture(e);
    } catch (RuntimeException e) {
      return Future.failedFuture(new LlmException("response is not a chat completion: " + e.getMessage(), status, false));
    }
  }

  private LlmException transport(Throwable cause) {
    boolean timeout = cause instanceof TimeoutException
        || cause.getClass().getSimpleName().contains("Timeout");
    return new LlmException((timeout ? "timed out calling " : "cannot reach ") + url + ": " + cause.getMessage(), 0, true);
  }

  private long retryDelay(LlmException e, int retry) {
    if (e.retryAfterMillis() >= 0) {
      return Math.max(1, Math.min(e.retryAfterMillis(), MAX_RETRY_AFTER_MILLIS));
    }
    return options.getRetryBaseDelayMillis() << Math.min(retry, 10);
  }

  /** Retry-After in seconds (the HTTP-date form is treated as absent). */
  private static long retryAfter(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Math.round(Double.parseDouble(header.trim()) * 1000);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public Future<Void> close() {
    closed = true;
    web.close();
    return Future.succeededFuture();
  }
}
