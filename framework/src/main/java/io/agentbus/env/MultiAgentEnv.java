package io.agentbus.env;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * HERON's environment API, asynchronous: the same environment runs {@link EnvMode#CENTRALIZED}
 * (direct calls) or {@link EnvMode#DISTRIBUTED} (messages between agents on one or several nodes),
 * and for one seed both modes produce the same trajectory.
 */
public interface MultiAgentEnv {

  /** @return the mode */
  EnvMode mode();

  /** @return the environment id (isolates vectorized environments on one broker) */
  String envId();

  /**
   * Starts a new episode.
   *
   * @param seed makes the episode reproducible
   * @return the agents' first observations
   */
  Future<Map<String, JsonObject>> reset(long seed);

  /**
   * Advances one step.
   *
   * @param actions actions by agent id; agents without one act on their own policy
   * @return the step's result
   */
  Future<StepResult> step(Map<String, JsonObject> actions);

  /** Releases resources. */
  Future<Void> close();
}
