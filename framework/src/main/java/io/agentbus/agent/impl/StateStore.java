package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

/**
 * Where agents' state and last location are kept: a cluster map ({@code node}: the last host,
 * {@code state}: what the agent saved), so a re-activation on another node finds both.
 */
final class StateStore {

  private final AsyncMap<String, JsonObject> map;

  StateStore(AsyncMap<String, JsonObject> map) {
    this.map = map;
  }

  Future<JsonObject> load(AgentId id) {
    return map.get(id.toString());
  }

  /** Records {@code node} as the agent's host (an activation claims the agent), with its state. */
  Future<Void> save(AgentId id, String node, JsonObject state) {
    return map.put(id.toString(), new JsonObject().put("node", node).put("state", state));
  }

  /**
   * Saves the state of the activation on {@code node} only while the record still names that
   * node as the host (compare-and-set): an activation elsewhere since then (after a merge, or a
   * takeover that did not wait for this node) has claimed the agent, and this copy is a duplicate.
   *
   * @return the node the record names instead when the save was refused, or null when saved
   */
  Future<String> saveIfHost(AgentId id, String node, JsonObject state) {
    String key = id.toString();
    JsonObject next = new JsonObject().put("node", node).put("state", state);
    return map.get(key).compose(current -> {
      if (current == null) {
        return map.putIfAbsent(key, next).map(prev -> prev == null ? null : prev.getString("node", "?"));
      }
      String host = current.getString("node");
      if (!node.equals(host)) {
        return Future.succeededFuture(host == null ? "?" : host);
      }
      return map.replaceIfPresent(key, current, next).compose(ok -> ok ? Future.succeededFuture((String) null)
          : saveIfHost(id, node, state));
    });
  }
}
