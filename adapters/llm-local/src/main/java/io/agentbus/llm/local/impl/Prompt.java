package io.agentbus.llm.local.impl;

import io.agentbus.llm.ChatMessage;
import io.agentbus.llm.Role;
import io.agentbus.llm.ToolCall;

import java.util.ArrayList;
import java.util.List;

/**
 * A conversation in the shape the model's chat template takes: one system text, then user and
 * assistant turns. Tool calls become assistant lines and tool answers user lines, so templates
 * without tool roles (SmolLM2's ChatML) still see the whole exchange.
 *
 * @param system all system messages, joined
 * @param turns role and text, oldest first
 */
public record Prompt(String system, List<String[]> turns) {

  /** @return the conversation as a prompt */
  public static Prompt of(List<ChatMessage> messages) {
    StringBuilder system = new StringBuilder();
    List<String[]> turns = new ArrayList<>();
    for (ChatMessage m : messages) {
      switch (m.role()) {
        case SYSTEM -> system.append(system.isEmpty() ? "" : "\n").append(m.content());
        case USER -> turns.add(new String[] {"user", m.content()});
        case ASSISTANT -> {
          StringBuilder text = new StringBuilder(m.content());
          for (ToolCall c : m.toolCalls()) {
            text.append(text.isEmpty() ? "" : "\n").append("{\"tool\": \"").append(c.name()).append("\", \"arguments\": ")
                .append(c.arguments().encode()).append('}');
          }
          turns.add(new String[] {"assistant", text.toString()});
        }
        case TOOL -> turns.add(new String[] {"user", "Tool result: " + m.content()});
        default -> throw new IllegalStateException("unknown role " + m.role());
      }
    }
    return new Prompt(system.toString(), turns);
  }

  /** @return this prompt without its oldest turn (the newest always stays) */
  public Prompt dropOldest() {
    return turns.size() <= 1 ? this : new Prompt(system, List.copyOf(turns.subList(1, turns.size())));
  }

  /** @return this prompt with {@code text} after the system text */
  public Prompt withSystemSuffix(String text) {
    return new Prompt(system + text, turns);
  }

  boolean lastIs(Role role) {
    return !turns.isEmpty() && turns.get(turns.size() - 1)[0].equals(role.wireName());
  }
}
