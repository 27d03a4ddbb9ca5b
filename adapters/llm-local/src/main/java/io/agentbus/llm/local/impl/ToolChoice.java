package io.agentbus.llm.local.impl;

import io.agentbus.llm.ChatMessage;
import io.agentbus.llm.Role;
import io.agentbus.llm.ToolCall;
import io.agentbus.llm.ToolSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The constrained tool-choice step: a JSON schema whose every value is either one call of an
 * offered tool with arguments valid for its schema, or a plain answer; and the reading of the
 * model's output back into a tool call or text.
 */
public final class ToolChoice {

  private ToolChoice() {
  }

  /**
   * @param messages the conversation
   * @param tools the offered tools
   * @return whether this turn is a tool-choice step: tools are offered and the model has not just
   *     been given a tool's answer (then it answers in plain text)
   */
  public static boolean applies(List<ChatMessage> messages, List<ToolSpec> tools) {
    return !tools.isEmpty() && messages.get(messages.size() - 1).role() != Role.TOOL;
  }

  /** @return the schema of the step's output: {@code {"tool": name, "arguments": {...}}} or {@code {"answer": text}} */
  public static JsonObject schema(List<ToolSpec> tools) {
    return schema(tools, false);
  }

  /**
   * @param tools the offered tools
   * @param required whether a tool must be called (OpenAI's {@code tool_choice: "required"}): no answer option
   * @return the schema of the step's output
   */
  public static JsonObject schema(List<ToolSpec> tools, boolean required) {
    JsonArray options = new JsonArray();
    for (ToolSpec t : tools) {
      options.add(new JsonObject().put("type", "object")
          .put("properties", new JsonObject().put("tool", new JsonObject().put("const", t.name())).put("arguments", arguments(t)))
          .put("required", new JsonArray().add("tool").add("arguments")).put("additionalProperties", false));
    }
    if (!required) {
      options.add(new JsonObject().put("type", "object")
          .put("properties", new JsonObject().put("answer", new JsonObject().put("type", "string")))
          .put("required", new JsonArray().add("answer")).put("additionalProperties", false));
    }
    return new JsonObject().put("oneOf", options);
  }

  /** The tool's parameter schema, closed (no properties beyond those it names: a small model invents some). */
  private static JsonObject arguments(ToolSpec t) {
    JsonObject p = t.parameters().copy();
    if (!"object".equals(p.getString("type"))) {
      p.put("type", "object");
    }
    if (!p.containsKey("properties")) {
      p.put("properties", new JsonObject());
    }
    if (!p.containsKey("additionalProperties")) {
      p.put("additionalProperties", false);
    }
    return p;
  }

  /** @return the instruction that tells the model what the step expects */
  public static String instruction(List<ToolSpec> tools) {
    StringBuilder sb = new StringBuilder("\n\nYou can use tools. To use one, reply with JSON {\"tool\": NAME, \"arguments\": {...}}; "
        + "to answer without a tool, reply with {\"answer\": TEXT}. Tools:\n");
    for (ToolSpec t : tools) {
      sb.append("- ").append(t.name()).append(": ").append(t.description()).append('\n');
    }
    return sb.toString();
  }

  /** What the model chose. */
  public record Choice(String content, ToolCall call) {
  }

  /**
   * @param output the constrained output
   * @param callId the id to give a tool call
   * @return the tool call, or the answer; raw text when the output was cut short (not JSON)
   */
  public static Choice read(String output, String callId) {
    JsonObject json;
    try {
      json = new JsonObject(output.trim());
    } catch (RuntimeException e) {
      return new Choice(output, null);
    }
    if (json.getValue("tool") instanceof String name) {
      Object args = json.getValue("arguments");
      return new Choice("", new ToolCall(callId, name, args instanceof JsonObject a ? a : new JsonObject()));
    }
    return new Choice(json.getString("answer", output), null);
  }
}
