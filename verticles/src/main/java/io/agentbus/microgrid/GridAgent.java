package io.agentbus.microgrid;

import io.agentbus.heron.PolicyAgent;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The actual agent of one microgrid, the one HERON's proxy wraps: it holds the model (load, PV,
 * generator, storage) and turns a step's price signal, and any set-points its operator imposed,
 * into one decision with its bid or offer. Deterministic: same seed, same inputs, same decision.
 */
final class GridAgent implements PolicyAgent {

  private final MicrogridPolicy policy;
  private Microgrid grid;
  /** The decision of the current step, until it is settled. */
  private Microgrid.Decision pending;

  GridAgent(MicrogridPolicy policy) {
    this.policy = policy;
  }

  /** Starts an episode. */
  Observation reset(MicrogridConfig config, long seed) {
    grid = new Microgrid(config);
    grid.reset(seed);
    pending = null;
    return grid.observe(0, PriceSeries.price(0));
  }

  /** Restores a moved agent (model, state of charge and the decision of a step in progress). */
  void restore(MicrogridConfig config, long seed, double soc, Microgrid.Decision decision) {
    grid = new Microgrid(config);
    grid.restore(seed, soc);
    pending = decision;
  }

  Microgrid grid() {
    return grid;
  }

  Microgrid.Decision pending() {
    return pending;
  }

  /** A single observation is acted on as in {@link #actOn}: it must be a price signal. */
  @Override
  public JsonObject act(JsonObject observation) {
    List<JsonObject> out = actOn(List.of(observation));
    if (out.isEmpty()) {
      throw new IllegalArgumentException("a microgrid acts on a price signal, not on " + observation);
    }
    return out.get(0);
  }

  /**
   * The newest price signal decides the step; an imposed action of that step replaces the
   * policy's. Inputs of other steps (left by a failed attempt) are ignored.
   *
   * @return one decision (the HERON action with its observation and order), or none without a price
   */
  @Override
  public List<JsonObject> actOn(List<JsonObject> inputs) {
    JsonObject price = null;
    for (JsonObject in : inputs) {
      if (GridMessages.PRICE.equals(in.getString("type"))) {
        price = in;
      }
    }
    if (price == null) {
      return List.of();
    }
    int step = price.getInteger("step");
    MicrogridAction imposed = null;
    for (JsonObject in : inputs) {
      if (GridMessages.is(in, GridMessages.ACTION, step)) {
        imposed = MicrogridAction.fromJson(in);
      }
    }
    Observation obs = requireGrid().observe(step, price.getDouble("value"));
    pending = grid.decide(obs, imposed != null ? imposed : policy.act(grid.config(), obs));
    return List.of(GridMessages.decision(pending, Market.order(grid.config().id(), pending.netDemand())));
  }

  /** Settles the pending decision of {@code step} with the microgrid's trades, in clearing order. */
  MicrogridResult settle(int step, List<Market.Trade> trades) {
    if (pending == null || pending.observation().step() != step) {
      throw new IllegalStateException("microgrid " + requireGrid().config().id() + " has no decision pending for step " + step);
    }
    MicrogridResult r = grid.settle(pending, trades);
    pending = null;
    return r;
  }

  Microgrid requireGrid() {
    if (grid == null) {
      throw new IllegalStateException("microgrid was not reset");
    }
    return grid;
  }
}
