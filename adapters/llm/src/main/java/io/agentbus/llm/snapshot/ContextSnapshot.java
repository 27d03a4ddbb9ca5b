package io.agentbus.llm.snapshot;

import io.agentbus.llm.ChatMessage;
import io.agentbus.llm.Role;
import io.agentbus.llm.ToolCall;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A run's conversation as it stood when the run handed off or ended: its last
 * {@link #MAX_MESSAGES} messages (system instructions left out: the agent that continues brings
 * its own). A handoff offer names the snapshot; the claimer's run starts from it.
 *
 * @param runId the run
 * @param agent who ran it (agent type/key)
 * @param messages the conversation, oldest first, at most {@link #MAX_MESSAGES}
 * @param savedAtMillis when it was taken
 */
public record ContextSnapshot(String runId, String agent, List<ChatMessage> messages, long savedAtMillis) {

  /** How many messages a snapshot keeps (the newest ones). */
  public static final int MAX_MESSAGES = 20;

  /** Validates, drops system messages and keeps the newest {@link #MAX_MESSAGES}. */
  public ContextSnapshot {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(agent, "agent");
    List<ChatMessage> kept = new ArrayList<>();
    for (ChatMessage m : messages) {
      if (m.role() != Role.SYSTEM) {
        kept.add(m);
      }
    }
    messages = List.copyOf(kept.subList(Math.max(0, kept.size() - MAX_MESSAGES), kept.size()));
  }

  /**
   * The conversation as one plain transcript, which every chat model accepts (tool calls whose
   * answers were cut off by the window, or a trailing handoff call, would be refused by an
   * OpenAI-compatible server if they were replayed as messages).
   *
   * @return lines {@code role: text}, tool calls as {@code assistant called name(args)}
   */
  public String transcript() {
    StringBuilder out = new StringBuilder();
    for (ChatMessage m : messages) {
      if (!m.content().isBlank()) {
        out.append(m.role() == Role.TOOL ? "tool result" : m.role().wireName()).append(": ").append(m.content()).append('\n');
      }
      for (ToolCall c : m.toolCalls()) {
        out.append("assistant called ").append(c.name()).append('(').append(c.arguments().encode()).append(")\n");
      }
    }
    return out.toString();
  }

  /** @return the snapshot as JSON (what the stores keep) */
  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    for (ChatMessage m : messages) {
      JsonObject j = new JsonObject().put("role", m.role().wireName()).put("content", m.content());
      if (!m.toolCalls().isEmpty()) {
        JsonArray calls = new JsonArray();
        m.toolCalls().forEach(c -> calls.add(new JsonObject().put("id", c.id()).put("name", c.name()).put("arguments", c.arguments())));
        j.put("toolCalls", calls);
      }
      if (m.toolCallId() != null) {
        j.put("toolCallId", m.toolCallId());
      }
      list.add(j);
    }
    return new JsonObject().put("runId", runId).put("agent", agent).put("savedAtMillis", savedAtMillis).put("messages", list);
  }

  /**
   * @param json what {@link #toJson()} wrote
   * @return the snapshot
   * @throws IllegalArgumentException when it is not a snapshot
   */
  public static ContextSnapshot fromJson(JsonObject json) {
    try {
      List<ChatMessage> messages = new ArrayList<>();
      for (Object o : json.getJsonArray("messages", new JsonArray())) {
        JsonObject j = (JsonObject) o;
        List<ToolCall> calls = new ArrayList<>();
        for (Object c : j.getJsonArray("toolCalls", new JsonArray())) {
          JsonObject cj = (JsonObject) c;
          calls.add(new ToolCall(cj.getString("id"), cj.getString("name"), cj.getJsonObject("arguments")));
        }
        messages.add(new ChatMessage(Role.fromWire(j.getString("role")), j.getString("content"), calls, j.getString("toolCallId")));
      }
      return new ContextSnapshot(json.getString("runId"), json.getString("agent"), messages, json.getLong("savedAtMillis", 0L));
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("not a context snapshot: " + e.getMessage(), e);
    }
  }
}
