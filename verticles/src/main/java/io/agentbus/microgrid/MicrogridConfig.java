package io.agentbus.microgrid;

import io.vertx.core.json.JsonObject;

/**
 * One microgrid's parameters (MW, MWh, USD/MWh).
 *
 * @param id the microgrid id ({@code mg1}, ...)
 * @param baseLoad mean load
 * @param pvCapacity PV peak output
 * @param genMax dispatchable generator maximum
 * @param genCost generator marginal cost
 * @param essCapacity storage energy capacity
 * @param essPowerMax storage power limit (charge and discharge)
 * @param socMin lowest state of charge (fraction)
 * @param socMax highest state of charge (fraction)
 * @param socInit state of charge at reset
 * @param efficiency one-way storage efficiency
 */
public record MicrogridConfig(String id, double baseLoad, double pvCapacity, double genMax, double genCost,
                              double essCapacity, double essPowerMax, double socMin, double socMax, double socInit,
                              double efficiency) {

  /**
   * Checks the id: a valid channel id without a dot (the microgrid's agent key is
   * {@code <env>.<id>}, read back from its last dot).
   */
  public MicrogridConfig {
    io.agentbus.channel.Ids.check("microgrid id", id);
    if (id.indexOf('.') >= 0) {
      throw new IllegalArgumentException("invalid microgrid id '" + id + "': it may not contain '.'");
    }
  }

  /** @return the default parameters of microgrid number {@code i} (1-based): three distinct profiles, repeating */
  public static MicrogridConfig defaults(int i) {
    int k = (i - 1) % 3;
    return new MicrogridConfig("mg" + i, 2.0 + 0.5 * k, 1.0 + 0.8 * ((k + 1) % 3), 2.0 + 0.5 * ((k + 2) % 3),
        40.0 + 6.0 * k, 2.0, 0.5, 0.1, 0.9, 0.5, 0.95);
  }

  /** @return the JSON form */
  public JsonObject toJson() {
    return JsonObject.mapFrom(this);
  }

  /** @return the record from JSON */
  public static MicrogridConfig fromJson(JsonObject j) {
    return j.mapTo(MicrogridConfig.class);
  }
}
