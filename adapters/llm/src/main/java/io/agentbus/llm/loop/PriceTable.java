package io.agentbus.llm.loop;

import io.agentbus.llm.Usage;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What each model costs, in US dollars per 1,000 prompt and completion tokens. Costs are kept in
 * micro-dollars (whole numbers) so that cluster-wide sums never drift.
 *
 * <p>A model missing from the table has no known price: budgets with a daily cost cap refuse to
 * call it (fail closed) unless a default price is set.
 */
public final class PriceTable {

  /** A price: dollars per 1,000 prompt tokens and per 1,000 completion tokens. */
  public record Price(double promptPer1k, double completionPer1k) {
    /** Validates the price. */
    public Price {
      if (promptPer1k < 0 || completionPer1k < 0 || Double.isNaN(promptPer1k) || Double.isNaN(completionPer1k)) {
        throw new IllegalArgumentException("prices must be 0 or more");
      }
    }
  }

  private final Map<String, Price> prices = new HashMap<>();
  private Price fallback;

  /** @return a table with no prices */
  public static PriceTable empty() {
    return new PriceTable();
  }

  /**
   * @param model the model name as sent in requests
   * @param promptPer1k dollars per 1,000 prompt tokens
   * @param completionPer1k dollars per 1,000 completion tokens
   * @return this
   */
  public PriceTable price(String model, double promptPer1k, double completionPer1k) {
    prices.put(Objects.requireNonNull(model, "model"), new Price(promptPer1k, completionPer1k));
    return this;
  }

  /** @param promptPer1k dollars per 1,000 prompt tokens for models not in the table @return this */
  public PriceTable fallback(double promptPer1k, double completionPer1k) {
    this.fallback = new Price(promptPer1k, completionPer1k);
    return this;
  }

  /** @return whether the model has a price (its own or the fallback) */
  public boolean knows(String model) {
    return prices.containsKey(model) || fallback != null;
  }

  /**
   * @param model the model
   * @param usage the tokens
   * @return the cost in micro-dollars, rounded up
   * @throws IllegalArgumentException when the model has no price
   */
  public long microUsd(String model, Usage usage) {
    Price p = prices.getOrDefault(model, fallback);
    if (p == null) {
      throw new IllegalArgumentException("no price for model '" + model + "'");
    }
    double usd = usage.promptTokens() / 1000.0 * p.promptPer1k() + usage.completionTokens() / 1000.0 * p.completionPer1k();
    return (long) Math.ceil(usd * 1_000_000);
  }
}
