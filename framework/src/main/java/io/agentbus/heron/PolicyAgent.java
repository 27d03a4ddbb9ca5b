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

  /**
   * One distributed step's worth of inputs (the new broadcasts first, then the actions addressed
   * to this agent, each oldest first) turned into the actions to send upstream. By default each
   * input is acted on alone, in order; an agent that must see a step's inputs together (a price
   * signal and an imposed set-point that overrides its own decision) overrides this.
   *
   * @param inputs what arrived since the last step
   * @return the actions, in the order they go upstream
   */
  default java.util.List<JsonObject> actOn(java.util.List<JsonObject> inputs) {
    java.util.List<JsonObject> out = new java.util.ArrayList<>(inputs.size());
    inputs.forEach(in -> out.add(act(in)));
    return out;
  }
}
