package io.agentbus.agent;

import java.util.Map;
import java.util.Objects;

/**
 * How an agent type registered on a node is placed and persisted.
 *
 * @param requiredLabels node labels a node must carry to host the type (empty: any node that registered it)
 * @param checkpoint when the agent's state is saved to the cluster
 * @param idleTimeoutMillis an agent idle this long is deactivated (state saved per {@code checkpoint})
 *     and re-activated by its next message; 0 keeps agents active until their node stops
 * @param inline run handlers on the delivering thread instead of a verticle of their own: for
 *     stateless, thread-safe agents such as proxies (no lifecycle, no state, no idle timeout)
 * @param maxActive how many agents of the type may be active on one node at once; an activation
 *     beyond it fails with {@link AgentCapacityException} and allocates nothing (0: no limit). Set
 *     it on any type whose keys come from outside (an HTTP API, a bridge), together with an idle
 *     timeout, so that a stream of new keys cannot fill the heap.
 * @param requirements the capabilities a node must announce to host the type (cores, GPUs, memory)
 * @param weightedByCores whether nodes take agents of the type in proportion to their cores (a node
 *     with 8 cores gets about 8 times the agents of a node with 1) instead of evenly
 */
public record RegistrationOptions(Map<String, String> requiredLabels, Checkpoint checkpoint, long idleTimeoutMillis,
                                  boolean inline, int maxActive, NodeRequirements requirements, boolean weightedByCores) {

  /** When state is saved. */
  public enum Checkpoint {
    /** Never: the agent is stateless, or its state may be lost on a move. */
    NEVER,
    /** On deactivation (graceful stop or move): survives planned moves. */
    ON_DEACTIVATE,
    /** After every handled message: survives a crash of the hosting node. */
    EVERY_MESSAGE
  }

  /** Copies. */
  public RegistrationOptions {
    requiredLabels = Map.copyOf(requiredLabels);
    Objects.requireNonNull(requirements, "requirements");
    Objects.requireNonNull(checkpoint, "checkpoint");
    if (idleTimeoutMillis < 0) {
      throw new IllegalArgumentException("idleTimeoutMillis must be 0 (never) or positive, got " + idleTimeoutMillis);
    }
    if (maxActive < 0) {
      throw new IllegalArgumentException("maxActive must be 0 (no limit) or positive, got " + maxActive);
    }
  }

  /** Options without node requirements, placed evenly (the form before capabilities existed). */
  public RegistrationOptions(Map<String, String> requiredLabels, Checkpoint checkpoint, long idleTimeoutMillis, boolean inline,
                             int maxActive) {
    this(requiredLabels, checkpoint, idleTimeoutMillis, inline, maxActive, NodeRequirements.none(), false);
  }

  /** @return no label constraints, state saved on deactivation */
  public static RegistrationOptions defaults() {
    return new RegistrationOptions(Map.of(), Checkpoint.ON_DEACTIVATE, 0, false, 0);
  }

  /** @return these options with node requirements (see {@link NodeRequirements}) */
  public RegistrationOptions withRequirements(NodeRequirements requirements) {
    return new RegistrationOptions(requiredLabels, checkpoint, idleTimeoutMillis, inline, maxActive, requirements, weightedByCores);
  }

  /** @return these options with agents spread in proportion to the nodes' cores (see {@link #weightedByCores()}) */
  public RegistrationOptions withWeightedByCores(boolean weighted) {
    return new RegistrationOptions(requiredLabels, checkpoint, idleTimeoutMillis, inline, maxActive, requirements, weighted);
  }

  /** @return these options with required labels */
  public RegistrationOptions withRequiredLabels(Map<String, String> labels) {
    return new RegistrationOptions(labels, checkpoint, idleTimeoutMillis, inline, maxActive, requirements, weightedByCores);
  }

  /** @return these options with a checkpoint policy */
  public RegistrationOptions withCheckpoint(Checkpoint c) {
    return new RegistrationOptions(requiredLabels, c, idleTimeoutMillis, inline, maxActive, requirements, weightedByCores);
  }

  /** @return these options with an idle timeout (agents idle that long are deactivated) */
  public RegistrationOptions withIdleTimeout(java.time.Duration idle) {
    return new RegistrationOptions(requiredLabels, checkpoint, idle.toMillis(), inline, maxActive, requirements, weightedByCores);
  }

  /** @return these options with handlers run inline (see {@link #inline()}) */
  public RegistrationOptions withInline(boolean inline) {
    return new RegistrationOptions(requiredLabels, checkpoint, idleTimeoutMillis, inline, maxActive, requirements, weightedByCores);
  }

  /** @return these options with a per-node limit on active agents of the type (see {@link #maxActive()}) */
  public RegistrationOptions withMaxActive(int maxActive) {
    return new RegistrationOptions(requiredLabels, checkpoint, idleTimeoutMillis, inline, maxActive, requirements, weightedByCores);
  }
}
