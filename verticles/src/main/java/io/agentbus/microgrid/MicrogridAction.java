package io.agentbus.microgrid;

import io.vertx.core.json.JsonObject;

/**
 * A microgrid's action (HERON's {@code {"p_gen": .., "p_ess": ..}}): generator output, and storage
 * power (positive = discharge).
 *
 * @param pGen generator output, MW
 * @param pEss storage power, MW
 */
public record MicrogridAction(double pGen, double pEss) {

  /** @return HERON's JSON form */
  public JsonObject toJson() {
    return new JsonObject().put("type", "action").put("p_gen", pGen).put("p_ess", pEss);
  }

  /** @return the action from HERON's JSON form */
  public static MicrogridAction fromJson(JsonObject j) {
    return new MicrogridAction(j.getDouble("p_gen", 0.0), j.getDouble("p_ess", 0.0));
  }
}
