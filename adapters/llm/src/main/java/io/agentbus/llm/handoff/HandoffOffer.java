package io.agentbus.llm.handoff;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A task an agent offers to any agent with the required capabilities, until it expires.
 *
 * @param id the offer's id
 * @param fromAgent who offers it (agent type/key)
 * @param runId the run that handed it off
 * @param task what to do (the text the claimer's run starts from)
 * @param context context passed along
 * @param requiredCapabilities what the claimer must have (all of them)
 * @param expiresAtMillis after this instant nobody may claim it
 */
public record HandoffOffer(String id, String fromAgent, String runId, String task, JsonObject context,
                           Set<String> requiredCapabilities, long expiresAtMillis) {

  /** Validates and copies the fields. */
  public HandoffOffer {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(fromAgent, "fromAgent");
    Objects.requireNonNull(task, "task");
    context = context == null ? new JsonObject() : context.copy();
    requiredCapabilities = Set.copyOf(requiredCapabilities);
  }

  /** @return whether it has expired at {@code nowMillis} */
  public boolean expiredAt(long nowMillis) {
    return nowMillis >= expiresAtMillis;
  }

  /** @return the offer as JSON */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("fromAgent", fromAgent).put("runId", runId).put("task", task)
        .put("context", context).put("requiredCapabilities", new JsonArray(new java.util.ArrayList<>(new TreeSet<>(requiredCapabilities))))
        .put("expiresAtMillis", expiresAtMillis);
  }

  /** @return the offer read back from {@link #toJson()} */
  public static HandoffOffer fromJson(JsonObject json) {
    Set<String> caps = new TreeSet<>();
    json.getJsonArray("requiredCapabilities", new JsonArray()).forEach(c -> caps.add(String.valueOf(c)));
    return new HandoffOffer(json.getString("id"), json.getString("fromAgent"), json.getString("runId"),
        json.getString("task"), json.getJsonObject("context"), caps, json.getLong("expiresAtMillis"));
  }
}
