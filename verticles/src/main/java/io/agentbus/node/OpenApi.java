package io.agentbus.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The HTTP API as an OpenAPI 3.1 document ({@code GET /api/openapi.json}), generated from the same
 * endpoint list as the {@code /api} index, so the two cannot disagree: every operation with its
 * summary, path parameters, the bearer-token security scheme where a token guards it, the JSON
 * error body every 4xx/5xx carries, and the request body of {@code POST /api/llm/run}.
 */
final class OpenApi {

  private OpenApi() {
  }

  static JsonObject document(JsonObject index, String version) {
    JsonObject error = new JsonObject().put("type", "object")
        .put("properties", new JsonObject().put("status", new JsonObject().put("type", "integer"))
            .put("error", new JsonObject().put("type", "string"))
            .put("code", new JsonObject().put("type", "string").put("description", "the failure's kind (io.agentbus.error.ErrorCode), when it comes from the runtime")))
        .put("required", new JsonArray().add("status").add("error"));
    JsonObject paths = new JsonObject();
    boolean token = index.getBoolean("tokenRequired", false);
    for (Object o : index.getJsonArray("endpoints")) {
      JsonObject e = (JsonObject) o;
      String path = e.getString("path");
      String method = e.getString("method").toLowerCase(java.util.Locale.ROOT);
      JsonObject op = new JsonObject().put("summary", e.getString("what"))
          .put("operationId", method + path.replaceAll("[^A-Za-z0-9]+", "_"));
      JsonObject responses = new JsonObject();
      boolean text = path.equals("/metrics") || path.equals("/");
      responses.put("200", new JsonObject().put("description", "OK").put("content", new JsonObject()
          .put(path.equals("/metrics") ? "text/plain" : path.equals("/") ? "text/html" : "application/json",
              new JsonObject().put("schema", text ? new JsonObject().put("type", "string") : new JsonObject().put("type", "object")))));
      JsonObject errorContent = new JsonObject().put("application/json", new JsonObject()
          .put("schema", new JsonObject().put("$ref", "#/components/schemas/Error")));
      if (path.equals("/api/market")) {
        responses.put("204", new JsonObject().put("description", "no market step yet"));
      }
      if (path.startsWith("/health")) {
        responses.put("503", new JsonObject().put("description", "DOWN").put("content", new JsonObject()
            .put("application/json", new JsonObject().put("schema", new JsonObject().put("type", "object")))));
      } else {
        responses.put("4XX", new JsonObject().put("description", "a client error: the body names it").put("content", errorContent));
        responses.put("5XX", new JsonObject().put("description", "a server or backend error: the body names it")
            .put("content", errorContent.copy()));
      }
      op.put("responses", responses);
      JsonArray params = new JsonArray();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([A-Za-z]+)}").matcher(path);
      while (m.find()) {
        params.add(new JsonObject().put("name", m.group(1)).put("in", "path").put("required", true)
            .put("schema", new JsonObject().put("type", "string")));
      }
      if (!params.isEmpty()) {
        op.put("parameters", params);
      }
      if (path.equals("/api/llm/run")) {
        op.put("requestBody", new JsonObject().put("required", true).put("content", new JsonObject().put("application/json",
            new JsonObject().put("schema", new JsonObject().put("type", "object")
                .put("properties", new JsonObject().put("message", new JsonObject().put("type", "string"))
                    .put("agent", new JsonObject().put("type", "string")).put("context", new JsonObject().put("type", "object")))
                .put("required", new JsonArray().add("message"))))));
      }
      if (token && "bearer token".equals(e.getString("auth"))) {
        op.put("security", new JsonArray().add(new JsonObject().put("bearer", new JsonArray())));
      } else {
        op.put("security", new JsonArray());
      }
      paths.put(path, paths.getJsonObject(path, new JsonObject()).put(method, op));
    }
    return new JsonObject().put("openapi", "3.1.0")
        .put("info", new JsonObject().put("title", "agentbus node HTTP API").put("version", version)
            .put("description", "One node's HTTP API; /api/cluster answers for the whole cluster from any node."))
        .put("paths", paths)
        .put("components", new JsonObject().put("schemas", new JsonObject().put("Error", error))
            .put("securitySchemes", new JsonObject().put("bearer", new JsonObject().put("type", "http").put("scheme", "bearer"))));
  }
}
