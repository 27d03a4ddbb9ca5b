package io.agentbus.bench;

import io.vertx.core.json.JsonObject;

/** The JSON payloads every benchmark sends: ~64 B and ~1 KB when encoded. */
public final class Payloads {

  private Payloads() {
  }

  /** @return a payload whose JSON encoding is about {@code bytes} long */
  public static JsonObject ofSize(int bytes) {
    JsonObject j = new JsonObject().put("type", "price_signal").put("price", 52.25).put("step", 17);
    int pad = Math.max(0, bytes - j.encode().length() - 10);
    j.put("pad", "x".repeat(pad));
    return j;
  }
}
