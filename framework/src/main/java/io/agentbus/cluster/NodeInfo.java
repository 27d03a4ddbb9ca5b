package io.agentbus.cluster;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a node tells the cluster about itself, for placement and the dashboard.
 *
 * @param id the cluster node id
 * @param name a human-readable name (host name unless configured)
 * @param host the address other nodes reach it on
 * @param cores available processors
 * @param maxMemoryBytes the JVM's maximum heap
 * @param gpus number of GPUs detected (0 when none)
 * @param labels free-form labels (e.g. {@code zone=a}, {@code role=llm}) used by placement
 * @param startedAtMillis start time, epoch milliseconds
 */
public record NodeInfo(String id, String name, String host, int cores, long maxMemoryBytes, int gpus,
                       Map<String, String> labels, long startedAtMillis) {

  /** Validates and copies. */
  public NodeInfo {
    Objects.requireNonNull(id, "id");
    labels = Map.copyOf(labels);
  }

  /** @return whether this node carries every label of {@code required} with the same value */
  public boolean hasLabels(Map<String, String> required) {
    return required.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  /** @return the JSON form */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("host", host).put("cores", cores)
        .put("maxMemoryBytes", maxMemoryBytes).put("gpus", gpus).put("labels", new JsonObject(new LinkedHashMap<>(labels)))
        .put("startedAtMillis", startedAtMillis);
  }

  /** @return the record from its JSON form */
  public static NodeInfo fromJson(JsonObject json) {
    Map<String, String> labels = new LinkedHashMap<>();
    json.getJsonObject("labels", new JsonObject()).forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
    return new NodeInfo(json.getString("id"), json.getString("name"), json.getString("host"),
        json.getInteger("cores", 1), json.getLong("maxMemoryBytes", 0L), json.getInteger("gpus", 0), labels,
        json.getLong("startedAtMillis", 0L));
  }
}
