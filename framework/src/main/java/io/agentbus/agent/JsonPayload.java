package io.agentbus.agent;

import io.agentbus.message.FrozenJson;
import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * A message payload given as JSON with an explicit type name: what foreign runtimes (a Python
 * AutoGen worker's dataclass {@code MyMessage}) send, and what a Java agent receives for a type it
 * has no class for.
 *
 * @param type the type name ({@code MyMessage}, or a protobuf full name)
 * @param data the JSON content, frozen
 */
public record JsonPayload(String type, JsonObject data) {

  /** Validates and freezes. */
  public JsonPayload {
    Objects.requireNonNull(type, "type");
    if (type.isEmpty()) {
      throw new IllegalArgumentException("payload type name is empty");
    }
    data = FrozenJson.copyOf(data == null ? new JsonObject() : data);
  }
}
