package io.agentbus.agent;

import java.util.Map;
import java.util.Objects;

/**
 * How an agent type registered on a node is placed and persisted.
 *
 * @param requiredLabels node labels a node must carry to host the type (empty: any node that registered it)
 * @param checkpoint when the agent's state is saved to the cluster
 */
public record RegistrationOptions(Map<String, String> requiredLabels, Checkpoint checkpoint) {

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
    Objects.requireNonNull(checkpoint, "checkpoint");
  }

  /** @return no label constraints, state saved on deactivation */
  public static RegistrationOptions defaults() {
    return new RegistrationOptions(Map.of(), Checkpoint.ON_DEACTIVATE);
  }

  /** @return these options with required labels */
  public RegistrationOptions withRequiredLabels(Map<String, String> labels) {
    return new RegistrationOptions(labels, checkpoint);
  }

  /** @return these options with a checkpoint policy */
  public RegistrationOptions withCheckpoint(Checkpoint c) {
    return new RegistrationOptions(requiredLabels, c);
  }
}
