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
   * The default rule: run the generator at full output when the price covers its marginal cost
   * (what the microgrid does not need it offers its neighbours; a microgrid whose generator costs
   * more than the price buys from them — that is the P2P market), discharge storage when the price
   * is 10 % above the daily mean, charge it when 10 % below.
   */
  static MicrogridPolicy ruleBased() {
    double mean = PriceSeries.mean();
    return (c, o) -> {
      double pGen = o.price() >= c.genCost() ? c.genMax() : 0.0;
      double pEss = o.price() > 1.1 * mean ? c.essPowerMax() : o.price() < 0.9 * mean ? -c.essPowerMax() : 0.0;
      return new MicrogridAction(pGen, pEss);
    };
  }
}
