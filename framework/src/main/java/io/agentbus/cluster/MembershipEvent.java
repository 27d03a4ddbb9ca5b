package io.agentbus.cluster;

/**
 * A node joined or left the cluster.
 *
 * @param type joined or left
 * @param nodeId the node's id
 */
public record MembershipEvent(Type type, String nodeId) {

  /** What happened. */
  public enum Type {
    /** The node joined (its {@link NodeInfo} may follow shortly). */
    JOINED,
    /** The node left or was declared dead. */
    LEFT
  }
}
