package io.agentbus.llm.loop;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Objects;

/**
 * How a run ended and what it produced.
 *
 * @param runId the run
 * @param exit why it ended
 * @param payload the result: the model's final answer (a JSON object when it answered one, else
 *     {@code {"text": ...}}); for a handoff the offer; for a block or an error the reason
 * @param iterations model calls made
 * @param totalTokens tokens used (prompt plus completion)
 * @param toolCalls tools run
 * @param costMicroUsd what the run cost, in micro-dollars
 * @param errors what went wrong along the way (tool failures reported to the model included)
 */
public record LoopResult(String runId, LoopExit exit, JsonObject payload, int iterations, long totalTokens, int toolCalls,
                         long costMicroUsd, List<String> errors) {

  /** Validates and copies the fields. */
  public LoopResult {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(exit, "exit");
    payload = payload == null ? new JsonObject() : payload.copy();
    errors = List.copyOf(errors);
  }

  /** @return the result as JSON (the form stored and sent between agents) */
  public JsonObject toJson() {
    return new JsonObject().put("runId", runId).put("exit", exit.name()).put("payload", payload)
        .put("iterations", iterations).put("totalTokens", totalTokens).put("toolCalls", toolCalls)
        .put("costUsd", costMicroUsd / 1_000_000.0).put("errors", new JsonArray(errors));
  }

  /** @return the result read back from {@link #toJson()} */
  public static LoopResult fromJson(JsonObject json) {
    return new LoopResult(json.getString("runId"), LoopExit.valueOf(json.getString("exit")), json.getJsonObject("payload"),
        json.getInteger("iterations", 0), json.getLong("totalTokens", 0L), json.getInteger("toolCalls", 0),
        Math.round(json.getDouble("costUsd", 0.0) * 1_000_000), json.getJsonArray("errors", new JsonArray()).getList()
        .stream().map(String::valueOf).toList());
  }
}
