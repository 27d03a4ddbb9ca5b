package io.agentbus.llm.loop;

import io.agentbus.llm.ChatCompletion;
import io.agentbus.llm.ToolCall;
import io.vertx.core.json.JsonObject;

/**
 * What a run reports while it runs: intention messages (each model answer), the tool audit (each
 * tool call with its outcome) and the final result. Observers are called on the run's context and
 * must not block; a throwing observer is logged and ignored.
 */
public interface RunObserver {

  /** An observer that ignores everything. */
  RunObserver NONE = new RunObserver() {
  };

  /** A run began. */
  default void runStarted(String runId, String agent, String message) {
  }

  /** The model answered (iteration counts from 1). */
  default void intention(String runId, String agent, int iteration, ChatCompletion completion) {
  }

  /**
   * A tool call was decided: run ({@code ok} or {@code error}), refused ({@code blocked},
   * {@code rate_limited}) or rejected ({@code unknown_tool}, {@code invalid_arguments}).
   */
  default void toolAudit(String runId, String agent, ToolCall call, String outcome, JsonObject detail, long millis) {
  }

  /** The run made a handoff offer (already recorded in the market). */
  default void handoffOffered(String runId, String agent, io.agentbus.llm.handoff.HandoffOffer offer) {
  }

  /** The run's context was saved (at a handoff, or when it ended). */
  default void snapshotSaved(String runId, String agent, io.agentbus.llm.snapshot.SnapshotRef ref) {
  }

  /**
   * A call of this run reserved cost that took the scope's daily total across 80 % of its cap
   * (reported once per crossing, by the run whose reservation crossed it).
   */
  default void budgetWarning(String runId, String agent, String scope, long totalMicroUsd, long capMicroUsd) {
  }

  /** The run ended. */
  default void runFinished(String agent, LoopResult result) {
  }
}
