package io.agentbus.agent;

import io.vertx.core.json.JsonObject;

/**
 * An agent was activated, deactivated, or activated on a node other than its previous one.
 *
 * @param type what happened
 * @param agentId the agent
 * @param nodeId the node it happened on
 * @param previousNodeId for {@link Type#MOVED}, where it was before; otherwise null
 * @param timestampMillis when, epoch milliseconds
 */
public record LifecycleEvent(Type type, AgentId agentId, String nodeId, String previousNodeId, long timestampMillis) {

  /** What happened. */
  public enum Type {
    /** Activated on {@code nodeId} (first time, or again on the same node). */
    ACTIVATED,
    /** Deactivated (node stopping, runtime closing). */
    DEACTIVATED,
    /** Activated on {@code nodeId} after living on {@code previousNodeId}. */
    MOVED
  }

  /** @return the JSON form */
  public JsonObject toJson() {
    return new JsonObject().put("type", type.name()).put("agentType", agentId.type()).put("agentKey", agentId.key())
        .put("nodeId", nodeId).put("previousNodeId", previousNodeId).put("timestamp", timestampMillis);
  }

  /** @return the event from its JSON form */
  public static LifecycleEvent fromJson(JsonObject j) {
    return new LifecycleEvent(Type.valueOf(j.getString("type")), new AgentId(j.getString("agentType"), j.getString("agentKey")),
        j.getString("nodeId"), j.getString("previousNodeId"), j.getLong("timestamp", 0L));
  }
}
