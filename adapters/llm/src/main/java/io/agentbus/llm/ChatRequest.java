package io.agentbus.llm;

import java.util.List;
import java.util.Objects;

/**
 * One chat-completions request.
 *
 * @param model the model name
 * @param messages the conversation so far
 * @param tools the tools the model may call (empty: none)
 * @param maxTokens the most completion tokens the answer may use (also what budgets reserve)
 */
public record ChatRequest(String model, List<ChatMessage> messages, List<ToolSpec> tools, int maxTokens) {

  /** Validates and copies the fields. */
  public ChatRequest {
    Objects.requireNonNull(model, "model");
    messages = List.copyOf(messages);
    tools = tools == null ? List.of() : List.copyOf(tools);
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a chat request needs at least one message");
    }
    if (maxTokens <= 0) {
      throw new IllegalArgumentException("maxTokens must be positive, was " + maxTokens);
    }
  }
}
