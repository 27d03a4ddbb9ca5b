package io.agentbus.node;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON error bodies for every status the node's HTTP server answers ({@code {"status": 404,
 * "error": "..."}}), never an HTML page or an empty body, and at most one log line per failure.
 */
final class HttpErrors {

  private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);
  private static final int[] STATUSES = {400, 401, 403, 404, 405, 406, 413, 414, 415, 429, 431, 500, 501, 502, 503};

  private HttpErrors() {
  }

  /** Installs a JSON error handler for each status on the router. */
  static void install(Router router) {
    for (int status : STATUSES) {
      router.errorHandler(status, ctx -> {
        String message = ctx.failure() != null && ctx.failure().getMessage() != null ? ctx.failure().getMessage() : defaultMessage(ctx, status);
        if (status >= 500) {
          LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.request().path(), ctx.failure() == null ? status : ctx.failure().toString());
          if (status == 500) {
            message = "internal error";
          }
        }
        send(ctx, status, message);
      });
    }
  }

  private static String defaultMessage(RoutingContext ctx, int status) {
    return switch (status) {
      case 404 -> "no such resource: " + ctx.request().path() + " (GET /api lists the API)";
      case 405 -> "method " + ctx.request().method() + " is not allowed on " + ctx.request().path();
      case 413 -> "the request is too large";
      case 415 -> "unsupported content type";
      default -> io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase();
    };
  }

  /**
   * Answers a failure with the status of its {@link io.agentbus.error.ErrorCode} (a handler's own
   * error, {@code UNKNOWN}: 502, the agent behind the API failed), the code in the body, and
   * {@code Retry-After} when a retry may succeed (a limit reached, something unavailable).
   */
  static void fail(RoutingContext ctx, Throwable err) {
    io.agentbus.error.ErrorCode code = io.agentbus.error.ErrorCode.of(err);
    boolean retry = code == io.agentbus.error.ErrorCode.RESOURCE_EXHAUSTED || code == io.agentbus.error.ErrorCode.UNAVAILABLE;
    if (retry && !ctx.response().headWritten() && !ctx.response().closed()) {
      ctx.response().putHeader("retry-after", "5");
    }
    end(ctx, code == io.agentbus.error.ErrorCode.UNKNOWN ? 502 : code.httpStatus(), code.name(), String.valueOf(err.getMessage()));
  }

  /** Ends the response with a JSON error body (unless it has already ended). */
  static void send(RoutingContext ctx, int status, String message) {
    end(ctx, status, null, message);
  }

  private static void end(RoutingContext ctx, int status, String code, String message) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    if (ctx.response().headWritten()) {
      ctx.response().end();
      return;
    }
    JsonObject body = new JsonObject().put("status", status);
    if (code != null) {
      body.put("code", code);
    }
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.put("error", message).encode());
  }
}
