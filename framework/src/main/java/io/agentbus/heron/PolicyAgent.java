package io.agentbus.heron;

import io.vertx.core.json.JsonObject;

/** The "actual agent" a {@link ProxyAgent} wraps: turns what it observes into an action. */
@FunctionalInterface
public interface PolicyAgent {
  /**
   * @param observation what the agent observes (e.g. a price signal and its local state)
   * @return its action
   */
  JsonObject act(JsonObject observation);
}
