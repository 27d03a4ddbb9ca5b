package io.agentbus.microgrid;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The physical model of one microgrid: load and PV from daily profiles with seeded noise, a
 * generator, storage with limits and efficiency, settlement of trades and grid exchange. Pure and
 * deterministic: the same seed, step and action give bit-identical results in every mode and on
 * every node.
 */
public final class Microgrid {

  /** Load profile, fraction of base load by hour. */
  private static final double[] LOAD = {0.62, 0.58, 0.55, 0.54, 0.56, 0.62, 0.75, 0.88, 0.95, 0.97, 0.98, 1.0,
      1.0, 0.99, 0.97, 0.96, 0.98, 1.05, 1.15, 1.2, 1.12, 0.98, 0.82, 0.7};
  /** PV profile, fraction of capacity by hour. */
  private static final double[] PV = {0, 0, 0, 0, 0, 0.02, 0.08, 0.2, 0.38, 0.55, 0.7, 0.8, 0.85, 0.82, 0.72, 0.58,
      0.4, 0.2, 0.06, 0.01, 0, 0, 0, 0};
  /** Fraction of the price paid for energy sold to the operator. */
  static final double SELL_BACK = 0.9;

  private final MicrogridConfig config;
  private final int index;
  private long seed;
  private double soc;

  /** A microgrid at its initial state. */
  public Microgrid(MicrogridConfig config) {
    this.config = config;
    this.index = config.id().hashCode();
    this.soc = config.socInit();
  }

  /** @return the parameters */
  public MicrogridConfig config() {
    return config;
  }

  /** @return the state of charge */
  public double soc() {
    return soc;
  }

  /** Restores a state of charge (after a move) and the episode seed. */
  public void restore(long seed, double soc) {
    this.seed = seed;
    this.soc = soc;
  }

  /** Starts an episode. */
  public void reset(long seed) {
    this.seed = seed;
    this.soc = config.socInit();
  }

  /** @return the episode seed */
  public long seed() {
    return seed;
  }

  /** @return what the microgrid observes at {@code step} under {@code price} */
  public Observation observe(int step, double price) {
    SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + step);
    int hour = step % 24;
    double load = config.baseLoad() * LOAD[hour] * (1.0 + 0.05 * gauss(rng));
    double pv = Math.max(0.0, config.pvCapacity() * PV[hour] * (1.0 + 0.1 * gauss(rng)));
    return new Observation(step, hour, price, round(load), round(pv), soc);
  }

  /** A clamped action and the net demand it leaves. */
  public record Decision(Observation observation, MicrogridAction action, double netDemand) {
  }

  /** Clamps an action to the generator's and storage's limits; returns the net demand left. */
  public Decision decide(Observation obs, MicrogridAction requested) {
    double pGen = clamp(requested.pGen(), 0.0, config.genMax());
    double maxDischarge = Math.min(config.essPowerMax(), Math.max(0.0, (soc - config.socMin()) * config.essCapacity() * config.efficiency()));
    double maxCharge = Math.min(config.essPowerMax(), Math.max(0.0, (config.socMax() - soc) * config.essCapacity() / config.efficiency()));
    double pEss = clamp(requested.pEss(), -maxCharge, maxDischarge);
    double net = round(obs.load() - obs.pv() - pGen - pEss);
    return new Decision(obs, new MicrogridAction(round(pGen), round(pEss)), net);
  }

  /**
   * Settles a step: applies the storage action, buys or sells the remaining imbalance from the
   * operator, pays for P2P trades and fees.
   *
   * @param d the decision of this step
   * @param trades every cleared trade of the step (those of other microgrids are ignored)
   */
  public MicrogridResult settle(Decision d, List<Market.Trade> trades) {
    double p2p = 0.0;
    double p2pCost = 0.0;
    for (Market.Trade t : trades) {
      if (t.buyer().equals(config.id())) {
        p2p += t.quantity();
        p2pCost += t.quantity() * t.price() + Market.TRADING_FEE * t.quantity();
      } else if (t.seller().equals(config.id())) {
        p2p -= t.quantity();
        p2pCost += -t.quantity() * t.price() + Market.TRADING_FEE * t.quantity();
      }
    }
    double grid = round(d.netDemand() - p2p);
    double price = d.observation().price();
    double gridCost = grid >= 0 ? grid * price : grid * price * SELL_BACK;
    double pEss = d.action().pEss();
    soc = pEss >= 0 ? soc - pEss / config.efficiency() / config.essCapacity()
        : soc - pEss * config.efficiency() / config.essCapacity();
    soc = round(clamp(soc, 0.0, 1.0));
    double cost = round(config.genCost() * d.action().pGen() + gridCost + p2pCost);
    Observation o = d.observation();
    double balance = round(o.load() - (o.pv() + d.action().pGen() + pEss + p2p + grid));
    return new MicrogridResult(config.id(), o.step(), d.action().pGen(), pEss, o.load(), o.pv(), round(p2p), grid, soc,
        cost, balance);
  }

  private static double gauss(SplittableRandom rng) {
    // Box-Muller from the seeded stream; StrictMath so that every JVM (and the JIT) computes the same bits
    double u1 = Math.max(1e-12, rng.nextDouble());
    double u2 = rng.nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2 * StrictMath.PI * u2);
  }

  private static double clamp(double x, double lo, double hi) {
    return Math.max(lo, Math.min(hi, x));
  }

  static double round(double x) {
    return Math.round(x * 1e6) / 1e6;
  }
}
