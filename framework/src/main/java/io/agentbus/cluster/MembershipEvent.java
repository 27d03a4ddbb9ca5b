package io.agentbus.cluster;

/**
 * A node joined or left the cluster, announced new capabilities, or this node merged back into it.
 *
 * @param type joined, left, updated or merged
 * @param nodeId the node's id ({@link Type#MERGED}: this node's own id)
 */
public record MembershipEvent(Type type, String nodeId) {

  /** What happened. */
  public enum Type {
    /** The node joined (its {@link NodeInfo} may follow shortly). */
    JOINED,
    /** The node left or was declared dead. */
    LEFT,
    /**
     * This node was cut off (a partition, a pause longer than failure detection) and has merged
     * back into the cluster after the heal (Hazelcast's split-brain merge: its member UUID was
     * reset, its node id kept). Whatever the others removed when they saw it leave must be
     * published again; what it did on its own while cut off may now be duplicated elsewhere.
     */
    MERGED,
    /**
     * The node announced new capabilities or labels ({@link Node#announceCapabilities}); its
     * {@link NodeInfo} in {@link Node#knownMembers()} is the new one.
     */
    UPDATED
  }
}
