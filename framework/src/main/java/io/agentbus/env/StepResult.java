package io.agentbus.env;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * What one environment step produced.
 *
 * @param step the step index (0 after reset's first step)
 * @param observations per agent, what it observes next
 * @param rewards per agent
 * @param done whether the episode ended
 * @param info everything else (e.g. trades, costs), deterministic for a seed
 */
public record StepResult(int step, Map<String, JsonObject> observations, Map<String, Double> rewards, boolean done,
                         JsonObject info) {

  /** Copies. */
  public StepResult {
    observations = Map.copyOf(observations);
    rewards = Map.copyOf(rewards);
  }
}
