package io.agentbus.llm;

import java.util.List;
import java.util.Objects;

/**
 * One message of a chat (OpenAI's chat-completions shape).
 *
 * @param role who speaks
 * @param content the text (may be empty for an assistant message that only calls tools)
 * @param toolCalls the tools an assistant message calls (empty otherwise)
 * @param toolCallId for a {@link Role#TOOL} message: the call it answers
 */
public record ChatMessage(Role role, String content, List<ToolCall> toolCalls, String toolCallId) {

  /** Validates and copies the fields. */
  public ChatMessage {
    Objects.requireNonNull(role, "role");
    content = content == null ? "" : content;
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    if (role == Role.TOOL && toolCallId == null) {
      throw new IllegalArgumentException("a tool message needs the id of the call it answers");
    }
  }

  /** @return a system message */
  public static ChatMessage system(String content) {
    return new ChatMessage(Role.SYSTEM, content, List.of(), null);
  }

  /** @return a user message */
  public static ChatMessage user(String content) {
    return new ChatMessage(Role.USER, content, List.of(), null);
  }

  /** @return an assistant message, with the tool calls it made */
  public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
    return new ChatMessage(Role.ASSISTANT, content, toolCalls, null);
  }

  /** @return a tool's answer to call {@code toolCallId} */
  public static ChatMessage tool(String toolCallId, String content) {
    return new ChatMessage(Role.TOOL, content, List.of(), toolCallId);
  }
}
