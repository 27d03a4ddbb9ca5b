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

  Future<Void> save(AgentId id, String node, JsonObject state) {
    return map.put(id.toString(), new JsonObject().put("node", node).put("state", state));
  }
}
