package io.agentbus.env;

/** How an environment runs its agents. */
public enum EnvMode {
  /** Direct calls in one process: full observability, fastest (training). */
  CENTRALIZED,
  /** Agents exchange messages, possibly on several nodes (deployment). */
  DISTRIBUTED
}
