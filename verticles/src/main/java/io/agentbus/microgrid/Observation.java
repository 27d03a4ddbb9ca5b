package io.agentbus.microgrid;

import io.vertx.core.json.JsonObject;

/**
 * What a microgrid sees at a step.
 *
 * @param step the step
 * @param hour hour of day
 * @param price the operator's price signal
 * @param load the load, MW
 * @param pv the PV output, MW
 * @param soc state of charge (fraction)
 */
public record Observation(int step, int hour, double price, double load, double pv, double soc) {

  /** @return the JSON form */
  public JsonObject toJson() {
    return new JsonObject().put("step", step).put("hour", hour).put("price", price).put("load", load).put("pv", pv)
        .put("soc", soc);
  }
}
