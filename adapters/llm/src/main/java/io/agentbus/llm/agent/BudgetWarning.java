package io.agentbus.llm.agent;

import io.agentbus.agent.PayloadName;

/**
 * A budget scope's daily cost crossed {@link #THRESHOLD} of its cap: published once per crossing,
 * cluster-wide (the reservation that crossed it is one atomic ledger update), through the
 * {@link io.agentbus.llm.events.EventSink} (bus topic {@code (agentbus.llm.budget-warning, <scope>)},
 * Pub/Sub topic {@code {workspace}} with attribute {@code kind=budget_warning}).
 *
 * @param scope the budget scope
 * @param costUsdToday today's cost including the reservation that crossed
 * @param maxDailyCostUsd the cap
 * @param runId the run whose call crossed it
 * @param agent that run's agent (type/key)
 * @param timestamp when, ISO-8601 UTC
 */
@PayloadName("BudgetWarning")
public record BudgetWarning(String scope, double costUsdToday, double maxDailyCostUsd, String runId, String agent, String timestamp) {

  /** The fraction of the cap that raises the warning. */
  public static final double THRESHOLD = 0.8;

  /** @return the share of the cap used, e.g. 0.83 */
  public double fraction() {
    return maxDailyCostUsd == 0 ? 0 : costUsdToday / maxDailyCostUsd;
  }
}
