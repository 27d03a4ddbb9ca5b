package io.agentbus.llm.impl;

import io.agentbus.llm.ChatCompletion;
import io.agentbus.llm.ChatMessage;
import io.agentbus.llm.ChatRequest;
import io.agentbus.llm.LlmException;
import io.agentbus.llm.Role;
import io.agentbus.llm.ToolCall;
import io.agentbus.llm.ToolSpec;
import io.agentbus.llm.Usage;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** OpenAI chat-completions JSON, both ways. */
public final class OpenAiWire {

  private OpenAiWire() {
  }

  /** @return the request body */
  public static JsonObject encode(ChatRequest request) {
    JsonArray messages = new JsonArray();
    for (ChatMessage m : request.messages()) {
      messages.add(encode(m));
    }
    JsonObject body = new JsonObject().put("model", request.model()).put("messages", messages)
        .put("max_tokens", request.maxTokens());
    if (!request.tools().isEmpty()) {
      JsonArray tools = new JsonArray();
      for (ToolSpec t : request.tools()) {
        tools.add(new JsonObject().put("type", "function").put("function", new JsonObject()
            .put("name", t.name()).put("description", t.description()).put("parameters", t.parameters())));
      }
      body.put("tools", tools);
    }
    return body;
  }

  private static JsonObject encode(ChatMessage m) {
    JsonObject json = new JsonObject().put("role", m.role().wireName()).put("content", m.content());
    if (!m.toolCalls().isEmpty()) {
      JsonArray calls = new JsonArray();
      for (ToolCall c : m.toolCalls()) {
        calls.add(new JsonObject().put("id", c.id()).put("type", "function").put("function",
            new JsonObject().put("name", c.name()).put("arguments", c.arguments().encode())));
      }
      json.put("tool_calls", calls);
    }
    if (m.role() == Role.TOOL) {
      json.put("tool_call_id", m.toolCallId());
    }
    return json;
  }

  /**
   * @param body a chat-completions response body
   * @param requestedModel the model asked for, when the answer does not name one
   * @return the completion
   * @throws LlmException (not retryable) when the body is not a chat completion
   */
  public static ChatCompletion decode(JsonObject body, String requestedModel) {
    JsonArray choices = body.getJsonArray("choices");
    if (choices == null || choices.isEmpty() || !(choices.getValue(0) instanceof JsonObject)) {
      throw new LlmException("response has no choices", 0, false);
    }
    JsonObject choice = choices.getJsonObject(0);
    JsonObject message = choice.getJsonObject("message");
    if (message == null) {
      throw new LlmException("response choice has no message", 0, false);
    }
    List<ToolCall> calls = new ArrayList<>();
    JsonArray rawCalls = message.getJsonArray("tool_calls");
    if (rawCalls != null) {
      for (int i = 0; i < rawCalls.size(); i++) {
        calls.add(toolCall(rawCalls.getJsonObject(i), i));
      }
    }
    JsonObject usage = body.getJsonObject("usage");
    Usage u = usage == null ? Usage.NONE
        : new Usage(usage.getLong("prompt_tokens", 0L), usage.getLong("completion_tokens", 0L));
    Object content = message.getValue("content");
    return new ChatCompletion(body.getString("model", requestedModel), content == null ? "" : content.toString(), calls,
        u, choice.getString("finish_reason"));
  }

  private static ToolCall toolCall(JsonObject raw, int index) {
    JsonObject fn = raw.getJsonObject("function");
    if (fn == null || fn.getString("name") == null) {
      throw new LlmException("tool call " + index + " has no function name", 0, false);
    }
    String id = raw.getString("id", "call_" + index);
    Object args = fn.getValue("arguments");
    JsonObject parsed;
    if (args instanceof JsonObject) {
      parsed = (JsonObject) args;
    } else if (args == null || args.toString().isBlank()) {
      parsed = new JsonObject();
    } else {
      try {
        Object value = io.vertx.core.json.Json.decodeValue(args.toString());
        parsed = value instanceof JsonObject ? (JsonObject) value
            : new JsonObject().put(ToolCall.INVALID_ARGUMENTS, args.toString());
      } catch (DecodeException e) {
        parsed = new JsonObject().put(ToolCall.INVALID_ARGUMENTS, args.toString());
      }
    }
    return new ToolCall(id, fn.getString("name"), parsed);
  }

  /** @return the provider's error message from an error body, or the body's start */
  public static String errorMessage(String body) {
    try {
      JsonObject json = new JsonObject(body);
      JsonObject error = json.getJsonObject("error");
      if (error != null && error.getString("message") != null) {
        return error.getString("message");
      }
    } catch (RuntimeException ignored) {
      // not JSON
    }
    return body.length() > 200 ? body.substring(0, 200) + "..." : body;
  }
}
