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

  /** Operator → microgrid: HERON's price signal, with an optional imposed action. */
  public record PriceSignal(int step, double price, MicrogridAction action) {
  }

  /** Microgrid → operator: its action and its bid or offer (null when balanced). */
  public record Decided(String microgrid, MicrogridAction action, Observation observation, Market.Order order) {
  }

  /** Operator → microgrid: the step's cleared trades. */
  public record TradeConfirmations(int step, List<Market.Trade> trades) {
  }

  /** Microgrid → operator: its settled step. */
  public record Settled(MicrogridResult result) {
  }

  /** Operator → environment: the whole step. */
  public record StepReport(int step, double price, List<MicrogridAction> actions, List<Market.Trade> trades,
                           List<MicrogridResult> results, List<Observation> observations) {
  }
}
