package io.agentbus.microgrid;

import java.util.List;
import java.util.Map;

/** The messages of the distributed market; records carried as JSON between nodes. */
public final class MarketMessages {

  private MarketMessages() {
  }

  /**
   * Environment → operator: start an episode with these microgrids.
   *
   * @param term the driver's fencing token ({@link io.agentbus.cluster.Leadership#token()}), 0 when
   *     not fenced: the operator refuses a term older than the newest it has seen
   */
  public record ResetEnv(String envId, long seed, List<MicrogridConfig> microgrids, long term) {
  }

  /** Operator → microgrid: start an episode. */
  public record ResetMicrogrid(MicrogridConfig config, long seed) {
  }

  /** Microgrid → operator: its first observation. */
  public record Observed(Observation observation) {
  }

  /** Operator → environment: every first observation. */
  public record ResetDone(List<Observation> observations) {
  }

  /**
   * Environment → operator: run one step (actions override the microgrids' policies).
   *
   * @param term the driver's fencing token, as in {@link ResetEnv}
   */
  public record RunStep(String envId, int step, Map<String, MicrogridAction> actions, long term) {
  }

  /** The phases of a market step, in order (see {@link MicrogridAgent}). */
  public enum Phase {
    /** Every microgrid: read the price broadcast and imposed set-points, decide, bid or offer upstream. */
    DECIDE,
    /**
     * Every microgrid: sellers offer each buyer its trade and wait for the accepts, buyers wait for
     * the offers and accept them (P2P); then each settles and reports upstream.
     */
    TRADE
  }

  /**
   * Operator → microgrid: run one phase of a step (the clock; the data is on the broker's channels).
   *
   * @param trades how many cleared trades the microgrid is a party to (in {@link Phase#TRADE})
   */
  public record StepPhase(int step, Phase phase, int trades) {
  }

  /** Microgrid → operator: the phase is done (what it produced is on the channels). */
  public record PhaseDone(String microgrid, int step) {
  }

  /** Environment → operator, after a refusal: which driver term is the newest you have seen? */
  public record TermQuery(String envId) {
  }

  /** Operator → environment: the newest driver term it has seen. */
  public record Term(long term) {
  }

  /** Operator → environment: the whole step. */
  public record StepReport(int step, double price, List<MicrogridAction> actions, List<Market.Trade> trades,
                           List<MicrogridResult> results, List<Observation> observations) {
  }
}
