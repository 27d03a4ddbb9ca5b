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
 * @param snapshotUri the offering run's {@link io.agentbus.llm.snapshot.ContextSnapshot} (its last
 *     messages), which the claimer continues from; null when none was saved
 */
public record HandoffOffer(String id, String fromAgent, String runId, String task, JsonObject context,
                           Set<String> requiredCapabilities, long expiresAtMillis, String snapshotUri) {

  /** An offer without a context snapshot. */
  public HandoffOffer(String id, String fromAgent, String runId, String task, JsonObject context,
                      Set<String> requiredCapabilities, long expiresAtMillis) {
    this(id, fromAgent, runId, task, context, requiredCapabilities, expiresAtMillis, null);
  }

  /** @return this offer naming a context snapshot */
  public HandoffOffer withSnapshot(String uri) {
    return new HandoffOffer(id, fromAgent, runId, task, context, requiredCapabilities, expiresAtMillis, uri);
  }

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
        .put("expiresAtMillis", expiresAtMillis).put("snapshot", snapshotUri);
  }

  /** @return the offer read back from {@link #toJson()} */
  public static HandoffOffer fromJson(JsonObject json) {
    Set<String> caps = new TreeSet<>();
    json.getJsonArray("requiredCapabilities", new JsonArray()).forEach(c -> caps.add(String.valueOf(c)));
    return new HandoffOffer(json.getString("id"), json.getString("fromAgent"), json.getString("runId"),
        json.getString("task"), json.getJsonObject("context"), caps, json.getLong("expiresAtMillis"), json.getString("snapshot"));
  }
}
