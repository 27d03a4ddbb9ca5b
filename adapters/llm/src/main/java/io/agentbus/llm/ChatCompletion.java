package io.agentbus.llm;

import java.util.List;
import java.util.Objects;

/**
 * The model's answer to a {@link ChatRequest}.
 *
 * @param model the model that answered (as the provider names it)
 * @param content the text of the answer (may be empty when it only calls tools)
 * @param toolCalls the tools it calls (empty: it is done)
 * @param usage the tokens used
 * @param finishReason the provider's reason ({@code stop}, {@code tool_calls}, {@code length}, ...)
 */
public record ChatCompletion(String model, String content, List<ToolCall> toolCalls, Usage usage, String finishReason) {

  /** Validates and copies the fields. */
  public ChatCompletion {
    Objects.requireNonNull(model, "model");
    content = content == null ? "" : content;
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    usage = usage == null ? Usage.NONE : usage;
    finishReason = finishReason == null ? "" : finishReason;
  }
}
