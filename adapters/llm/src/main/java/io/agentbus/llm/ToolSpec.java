package io.agentbus.llm;

import io.vertx.core.json.JsonObject;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tool as the model sees it: name, description, JSON-schema parameters; and its risk level,
 * which the model does not see but guardrails do.
 *
 * @param name the tool's name ({@code [A-Za-z0-9_-]{1,64}}, OpenAI's rule)
 * @param description what it does, for the model
 * @param parameters the JSON schema of its arguments
 * @param risk its risk level
 */
public record ToolSpec(String name, String description, JsonObject parameters, RiskLevel risk) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** Validates the fields. */
  public ToolSpec {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid tool name '" + name + "': 1-64 of A-Z a-z 0-9 _ -");
    }
    description = description == null ? "" : description;
    parameters = parameters == null ? new JsonObject().put("type", "object") : parameters;
    risk = risk == null ? RiskLevel.LOW : risk;
  }
}
