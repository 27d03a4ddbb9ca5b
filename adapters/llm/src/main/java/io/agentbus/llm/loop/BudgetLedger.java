package io.agentbus.llm.loop;

import io.agentbus.llm.loop.impl.SharedDataBudgetLedger;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Clock;

/**
 * The cluster-wide accounts behind {@link Budget}s: cost per scope per UTC day and tool calls per
 * scope per UTC minute. Every update is atomic across the cluster; a limit is checked in the same
 * atomic step as the update, so concurrent runs on several nodes cannot pass it together.
 */
public interface BudgetLedger {

  /**
   * Adds {@code microUsd} to today's cost if the total stays within {@code capMicroUsd}.
   *
   * @param scope the budget scope
   * @param microUsd the amount to reserve (0 or more)
   * @param capMicroUsd the daily cap; 0: none
   * @return today's new total; failed with {@link BudgetExceededException} when over the cap, or
   *     {@link LedgerUnavailableException} when the ledger did not answer in time
   */
  Future<Long> reserveCost(String scope, long microUsd, long capMicroUsd);

  /**
   * Corrects today's cost after a call (positive or negative), without a cap check.
   *
   * @return today's new total
   */
  Future<Long> adjustCost(String scope, long deltaMicroUsd);

  /**
   * Counts one tool call in the current minute if fewer than {@code perMinute} were made.
   *
   * @return the calls in this minute including this one; failed with {@link BudgetExceededException}
   *     when the minute's calls are used up
   */
  Future<Long> acquireToolCall(String scope, int perMinute);

  /** @return today's cost in micro-dollars and this minute's tool calls, for dashboards */
  Future<Usage> usage(String scope);

  /** What a scope has used in the current windows. */
  record Usage(long costMicroUsdToday, long toolCallsThisMinute) {
  }

  /**
   * A ledger in Vert.x shared data: a Hazelcast map when the Vert.x instance is clustered (shared by
   * every node), a local map otherwise.
   *
   * @param vertx the node's Vert.x
   * @param clock the clock windows are computed from (UTC)
   * @return the ledger
   */
  static BudgetLedger shared(Vertx vertx, Clock clock) {
    return new SharedDataBudgetLedger(vertx, clock);
  }
}
