package io.agentbus.llm;

import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * A tool call the model asked for.
 *
 * @param id the call's id, echoed by the tool's answer
 * @param name the tool's name
 * @param arguments the arguments (a JSON object; models sending malformed JSON get an error back)
 */
public record ToolCall(String id, String name, JsonObject arguments) {

  /**
   * The key under which a client keeps arguments that were not a JSON object (models do send
   * those); the tool loop answers such a call with an error instead of invoking the tool.
   */
  public static final String INVALID_ARGUMENTS = "__invalid_arguments__";

  /** @return whether the model sent arguments that are not a JSON object */
  public boolean hasInvalidArguments() {
    return arguments.containsKey(INVALID_ARGUMENTS);
  }

  /** Validates the fields. */
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    arguments = arguments == null ? new JsonObject() : arguments;
  }
}
