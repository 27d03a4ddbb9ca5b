package io.agentbus.llm.local;

import io.agentbus.llm.ChatMessage;
import io.agentbus.llm.ChatRequest;
import io.agentbus.llm.Role;
import io.agentbus.llm.ToolCall;
import io.agentbus.llm.ToolSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI chat-completions requests read into {@link ChatRequest}s, every malformed field named in
 * an {@link IllegalArgumentException} (served as 400).
 */
final class ChatRequests {

  private ChatRequests() {
  }

  /** The request and what the local model does with OpenAI's {@code tool_choice}. */
  record Decoded(ChatRequest request, boolean toolRequired) {
  }

  static Decoded decode(JsonObject body, String defaultModel, int defaultMaxTokens) {
    if (Boolean.TRUE.equals(body.getValue("stream"))) {
      throw new IllegalArgumentException("'stream' is not supported by the local model: leave it out or set it false");
    }
    Object n = body.getValue("n");
    if (n != null && !(n instanceof Number num && num.intValue() == 1)) {
      throw new IllegalArgumentException("'n' must be 1 for the local model");
    }
    Object rawMessages = body.getValue("messages");
    if (!(rawMessages instanceof JsonArray array) || array.isEmpty()) {
      throw new IllegalArgumentException("'messages' must be a non-empty array");
    }
    List<ChatMessage> messages = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject m)) {
        throw new IllegalArgumentException("messages[" + i + "] must be an object");
      }
      messages.add(message(m, i));
    }
    String choice = "auto";
    Object tc = body.getValue("tool_choice");
    if (tc instanceof String s) {
      choice = s;
    } else if (tc != null) {
      throw new IllegalArgumentException("'tool_choice' must be \"auto\", \"none\" or \"required\" for the local model");
    }
    if (!List.of("auto", "none", "required").contains(choice)) {
      throw new IllegalArgumentException("'tool_choice' must be \"auto\", \"none\" or \"required\", got \"" + choice + "\"");
    }
    List<ToolSpec> tools = new ArrayList<>();
    Object rawTools = body.getValue("tools");
    if (rawTools != null && !choice.equals("none")) {
      if (!(rawTools instanceof JsonArray ta)) {
        throw new IllegalArgumentException("'tools' must be an array");
      }
      for (int i = 0; i < ta.size(); i++) {
        tools.add(tool(ta.getValue(i), i));
      }
    }
    if (choice.equals("required") && tools.isEmpty()) {
      throw new IllegalArgumentException("'tool_choice' is \"required\" but no tools are given");
    }
    Object max = body.getValue("max_completion_tokens", body.getValue("max_tokens"));
    int maxTokens = defaultMaxTokens;
    if (max != null) {
      if (!(max instanceof Number num) || num.longValue() < 1 || num.longValue() > Integer.MAX_VALUE || num.doubleValue() % 1 != 0) {
        throw new IllegalArgumentException("'max_tokens' must be a positive integer");
      }
      maxTokens = num.intValue();
    }
    Object model = body.getValue("model");
    if (model != null && !(model instanceof String)) {
      throw new IllegalArgumentException("'model' must be a string");
    }
    return new Decoded(new ChatRequest(model == null ? defaultModel : (String) model, messages, tools, maxTokens),
        choice.equals("required"));
  }

  private static ChatMessage message(JsonObject m, int i) {
    Role role;
    try {
      role = Role.fromWire(String.valueOf(m.getValue("role")));
    } catch (IllegalArgumentException e) {
      if ("developer".equals(m.getValue("role"))) {
        role = Role.SYSTEM;
      } else {
        throw new IllegalArgumentException("messages[" + i + "].role must be system, developer, user, assistant or tool");
      }
    }
    String content = content(m.getValue("content"), i);
    List<ToolCall> calls = new ArrayList<>();
    if (m.getValue("tool_calls") instanceof JsonArray raw) {
      for (int j = 0; j < raw.size(); j++) {
        if (!(raw.getValue(j) instanceof JsonObject c) || !(c.getValue("function") instanceof JsonObject f)
            || !(f.getValue("name") instanceof String name)) {
          throw new IllegalArgumentException("messages[" + i + "].tool_calls[" + j + "] needs function.name");
        }
        JsonObject args;
        try {
          Object a = f.getValue("arguments");
          args = a instanceof String s ? (s.isBlank() ? new JsonObject() : new JsonObject(s)) : a instanceof JsonObject o ? o : new JsonObject();
        } catch (RuntimeException e) {
          args = new JsonObject().put(ToolCall.INVALID_ARGUMENTS, String.valueOf(f.getValue("arguments")));
        }
        calls.add(new ToolCall(c.getString("id", "call_" + j), name, args));
      }
    }
    if (role == Role.TOOL) {
      Object id = m.getValue("tool_call_id");
      if (!(id instanceof String s) || s.isEmpty()) {
        throw new IllegalArgumentException("messages[" + i + "] is a tool message without tool_call_id");
      }
      return ChatMessage.tool(s, content);
    }
    return new ChatMessage(role, content, role == Role.ASSISTANT ? calls : List.of(), null);
  }

  private static String content(Object c, int i) {
    if (c == null || c instanceof String) {
      return (String) c;
    }
    if (c instanceof JsonArray parts) {
      StringBuilder sb = new StringBuilder();
      for (Object p : parts) {
        if (p instanceof JsonObject part && "text".equals(part.getValue("type")) && part.getValue("text") instanceof String t) {
          sb.append(t);
        } else {
          throw new IllegalArgumentException("messages[" + i + "].content: only text parts are supported by the local model");
        }
      }
      return sb.toString();
    }
    throw new IllegalArgumentException("messages[" + i + "].content must be a string or an array of text parts");
  }

  private static ToolSpec tool(Object raw, int i) {
    if (!(raw instanceof JsonObject t) || !"function".equals(t.getValue("type")) || !(t.getValue("function") instanceof JsonObject f)) {
      throw new IllegalArgumentException("tools[" + i + "] must be {\"type\": \"function\", \"function\": {...}}");
    }
    if (!(f.getValue("name") instanceof String name)) {
      throw new IllegalArgumentException("tools[" + i + "].function.name must be a string");
    }
    Object params = f.getValue("parameters");
    if (params != null && !(params instanceof JsonObject)) {
      throw new IllegalArgumentException("tools[" + i + "].function.parameters must be a JSON schema object");
    }
    try {
      return new ToolSpec(name, f.getString("description", ""), (JsonObject) params, null);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("tools[" + i + "]: " + e.getMessage());
    }
  }
}
