package io.agentbus.llm.agent;

import io.agentbus.agent.PayloadName;
import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * An intention message (the seed's {@code IntentionMessage}): what the model answered in one
 * iteration of a run, published through the {@link io.agentbus.llm.events.EventSink} (on the bus:
 * topic {@code (agentbus.llm.intention, <agent type>)}; on Pub/Sub: topic {@code {workspace}}).
 *
 * <p>The payload holds {@code iteration} (from 1), {@code content} (the model's text),
 * {@code toolCalls} (the tools it asked for) and {@code tokens} (of this call).
 *
 * @param runId the run
 * @param sourceAgent the agent (type/key)
 * @param timestamp when the model answered, ISO-8601 UTC
 * @param attentionWeight how much other agents should weigh it, 0 to 1: 1.0 for an answer that
 *     ends the run (no tool calls) or hands off, 0.5 for an intermediate step that calls tools
 * @param payload the answer
 */
@PayloadName("Intention")
public record Intention(String runId, String sourceAgent, String timestamp, double attentionWeight, JsonObject payload) {

  /** Validates. */
  public Intention {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(sourceAgent, "sourceAgent");
    Objects.requireNonNull(timestamp, "timestamp");
    if (!(attentionWeight >= 0 && attentionWeight <= 1)) {
      throw new IllegalArgumentException("attention weight is 0..1, got " + attentionWeight);
    }
    payload = payload == null ? new JsonObject() : payload;
  }

  /** @return the message as JSON, with the seed's field names ({@code run_id}, {@code attention_weight}, ...) */
  public JsonObject toJson() {
    return new JsonObject().put("run_id", runId).put("source_agent", sourceAgent).put("timestamp", timestamp)
        .put("attention_weight", attentionWeight).put("payload", payload);
  }

  /** @return the message read back from {@link #toJson()} */
  public static Intention fromJson(JsonObject json) {
    return new Intention(json.getString("run_id"), json.getString("source_agent"), json.getString("timestamp"),
        json.getDouble("attention_weight", 0.0), json.getJsonObject("payload"));
  }
}
