package io.agentbus.microgrid;

/** Chooses a microgrid's action from what it observes. Must be deterministic for reproducible runs. */
@FunctionalInterface
public interface MicrogridPolicy {

  /**
   * @param config the microgrid's parameters
   * @param obs what it observes
   * @return its action (clamped to the limits by the model)
   */
  MicrogridAction act(MicrogridConfig config, Observation obs);

  /**
   * The default rule: run the generator when the price is above its marginal cost (to cover the
   * net load), discharge storage when the price is 10 % above the daily mean, charge it when 10 %
   * below.
   */
  static MicrogridPolicy ruleBased() {
    double mean = PriceSeries.mean();
    return (c, o) -> {
      double net = o.load() - o.pv();
      double pGen = o.price() >= c.genCost() ? Math.min(c.genMax(), Math.max(0.0, net)) : 0.0;
      double pEss = o.price() > 1.1 * mean ? c.essPowerMax() : o.price() < 0.9 * mean ? -c.essPowerMax() : 0.0;
      return new MicrogridAction(pGen, pEss);
    };
  }
}
