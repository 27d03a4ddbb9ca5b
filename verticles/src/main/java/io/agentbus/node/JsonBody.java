package io.agentbus.node;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a request body as one JSON object, at most {@code maxBytes}, whatever its content type:
 * {@code curl -d '{"message": ...}'} sends {@code application/x-www-form-urlencoded}, and is read
 * as the JSON it is instead of being parsed as a form. Too large: 413; not a JSON object: 400; both
 * with a JSON error body and no stack trace in the log.
 */
final class JsonBody {

  /** The routing-context key under which the parsed body is put. */
  static final String KEY = "agentbus.json";

  private JsonBody() {
  }

  /** @return a route handler that parses the body and calls the next handler, or fails the request */
  static io.vertx.core.Handler<RoutingContext> handler(int maxBytes) {
    return ctx -> {
      HttpServerRequest req = ctx.request();
      String length = req.getHeader("content-length");
      if (length != null) {
        try {
          if (Long.parseLong(length.trim()) > maxBytes) {
            HttpErrors.send(ctx, 413, "the body is " + length.trim() + " bytes, more than the limit of " + maxBytes);
            return;
          }
        } catch (NumberFormatException e) {
          HttpErrors.send(ctx, 400, "bad content-length");
          return;
        }
      }
      if (req.isEnded()) {
        parse(ctx, Buffer.buffer());
        return;
      }
      Buffer body = Buffer.buffer();
      boolean[] failed = {false};
      req.handler(chunk -> {
        if (failed[0]) {
          return;
        }
        if (body.length() + chunk.length() > maxBytes) {
          failed[0] = true;
          HttpErrors.send(ctx, 413, "the body is more than the limit of " + maxBytes + " bytes");
          req.connection().close();
          return;
        }
        body.appendBuffer(chunk);
      });
      req.endHandler(v -> {
        if (!failed[0]) {
          parse(ctx, body);
        }
      });
      req.resume();
    };
  }

  private static void parse(RoutingContext ctx, Buffer body) {
    Object json;
    try {
      json = body.length() == 0 ? null : io.vertx.core.json.Json.decodeValue(body);
    } catch (DecodeException e) {
      json = null;
    }
    if (!(json instanceof JsonObject)) {
      HttpErrors.send(ctx, 400, "expected a JSON object as the body (send it with -H 'content-type: application/json')");
      return;
    }
    ctx.put(KEY, json);
    ctx.next();
  }
}
