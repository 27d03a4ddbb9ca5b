package io.agentbus.llm.loop;

/** Why a run ended. */
public enum LoopExit {
  /** The model answered without asking for more tools. */
  SATISFIED,
  /** The iteration limit was reached first. */
  MAX_ITERS,
  /** The model, a tool or the ledger failed; see the errors. */
  ERROR,
  /** A guardrail blocked the input, an answer, a tool call or a tool result. */
  GUARDRAIL_BLOCK,
  /** The task was offered to an agent with other capabilities. */
  HANDOFF,
  /** A budget limit (tokens per run, tool calls per minute, daily cost) stopped the run. */
  BUDGET_EXCEEDED
}
