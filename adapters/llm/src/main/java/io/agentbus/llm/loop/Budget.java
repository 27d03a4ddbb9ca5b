package io.agentbus.llm.loop;

import java.util.Objects;

/**
 * Hard limits for an LLM agent's runs.
 *
 * <ul>
 *   <li>tokens per run: counted per run, prompt and completion; a call is only made when its
 *       completion limit still fits;</li>
 *   <li>tool calls per minute and cost per day: shared by every run with the same {@link #getScope()
 *       scope} across the cluster, in windows that really reset (a new UTC minute, a new UTC day);</li>
 *   <li>the cost of a call is reserved before it is made (prompt estimate plus its completion limit)
 *       and settled with the reported usage afterwards, so concurrent runs cannot overshoot the cap.</li>
 * </ul>
 * A limit of 0 means none. When the shared ledger cannot be reached a run stops (fail closed).
 */
public class Budget {

  private String scope = "default";
  private long maxTokensPerRun;
  private int maxToolCallsPerMinute;
  private double maxDailyCostUsd;
  private PriceTable prices = PriceTable.empty();

  /** @return the ledger scope whose windows this budget shares (e.g. a fleet or an agent type) */
  public String getScope() {
    return scope;
  }

  /** @param scope the ledger scope (non-empty) @return this */
  public Budget setScope(String scope) {
    if (Objects.requireNonNull(scope, "scope").isEmpty()) {
      throw new IllegalArgumentException("scope must not be empty");
    }
    this.scope = scope;
    return this;
  }

  /** @return the most tokens one run may use; 0: no limit */
  public long getMaxTokensPerRun() {
    return maxTokensPerRun;
  }

  /** @param max the most tokens one run may use (0: no limit) @return this */
  public Budget setMaxTokensPerRun(long max) {
    this.maxTokensPerRun = nonNegative(max, "maxTokensPerRun");
    return this;
  }

  /** @return the most tool calls per UTC minute in this scope, cluster-wide; 0: no limit */
  public int getMaxToolCallsPerMinute() {
    return maxToolCallsPerMinute;
  }

  /** @param max the most tool calls per minute (0: no limit) @return this */
  public Budget setMaxToolCallsPerMinute(int max) {
    this.maxToolCallsPerMinute = (int) nonNegative(max, "maxToolCallsPerMinute");
    return this;
  }

  /** @return the most dollars per UTC day in this scope, cluster-wide; 0: no limit */
  public double getMaxDailyCostUsd() {
    return maxDailyCostUsd;
  }

  /** @param usd the most dollars per day (0: no limit) @return this */
  public Budget setMaxDailyCostUsd(double usd) {
    if (usd < 0 || Double.isNaN(usd)) {
      throw new IllegalArgumentException("maxDailyCostUsd must be 0 or more");
    }
    this.maxDailyCostUsd = usd;
    return this;
  }

  /** @return the daily cap in micro-dollars; 0: none */
  public long maxDailyMicroUsd() {
    return Math.round(maxDailyCostUsd * 1_000_000);
  }

  /**
   * What the cost cap reserves before a model call: the price of the prompt (estimated) and of the
   * whole completion allowance, so that concurrent runs cannot overshoot the cap.
   *
   * @return micro-dollars; 0 when there is no cap or the model has no price (the loop refuses an
   *     unpriced model under a cap before it gets here)
   */
  public long reservationMicroUsd(String model, long promptTokens, int maxCompletionTokens) {
    if (maxDailyMicroUsd() <= 0 || !prices.knows(model)) {
      return 0;
    }
    return prices.microUsd(model, new io.agentbus.llm.Usage(promptTokens, maxCompletionTokens));
  }

  /** @return the per-model prices the cost cap is computed with */
  public PriceTable getPrices() {
    return prices;
  }

  /** @param prices the per-model prices @return this */
  public Budget setPrices(PriceTable prices) {
    this.prices = Objects.requireNonNull(prices, "prices");
    return this;
  }

  private static long nonNegative(long v, String name) {
    if (v < 0) {
      throw new IllegalArgumentException(name + " must be 0 or more, was " + v);
    }
    return v;
  }
}
