package io.agentbus.cluster;

import io.agentbus.cluster.impl.NodeImpl;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;

import java.util.List;
import java.util.Set;

/**
 * A running agentbus node: a Vert.x instance, embedded (single JVM) or clustered with Hazelcast,
 * whose {@link NodeInfo} is published cluster-wide.
 *
 * <pre>{@code
 * Node node = Node.start(new NodeOptions().setClustered(true)
 *     .setClusterHost("127.0.0.1").setMembers(List.of("127.0.0.1:5701"))).await();
 * node.onMembershipChange(e -> System.out.println(e));
 * }</pre>
 */
public interface Node {

  /**
   * Starts a node with default Vert.x options.
   *
   * @param options how to start and join
   * @return the node, once it has joined and published its info
   */
  static Future<Node> start(NodeOptions options) {
    return start(options, new VertxOptions());
  }

  /**
   * Starts a node.
   *
   * @param options how to start and join
   * @param vertxOptions Vert.x options (metrics, threads); event-bus host and port are taken from
   *                     {@code options} when clustered
   * @return the node
   */
  static Future<Node> start(NodeOptions options, VertxOptions vertxOptions) {
    return NodeImpl.start(options, vertxOptions, null);
  }

  /**
   * Starts a node with a metrics backend (e.g. Micrometer's {@code MicrometerMetricsFactory}).
   *
   * @param options how to start and join
   * @param vertxOptions Vert.x options
   * @param metrics the metrics factory, or null
   * @return the node
   */
  static Future<Node> start(NodeOptions options, VertxOptions vertxOptions, VertxMetricsFactory metrics) {
    return NodeImpl.start(options, vertxOptions, metrics);
  }

  /**
   * Makes a node of an existing Vert.x instance (clustered with any cluster manager, or not). The
   * instance is not closed by {@link #close()}.
   *
   * @param vertx the instance
   * @param options labels, name and namespace are used
   * @return the node
   */
  static Future<Node> attach(Vertx vertx, NodeOptions options) {
    return NodeImpl.attach(vertx, options, false);
  }

  /** @return the Vert.x instance */
  Vertx vertx();

  /** @return this node's id (the cluster node id) */
  String id();

  /** @return the cluster namespace: every cluster-wide name (maps, addresses) of this node's components is in it */
  String namespace();

  /** @return this node's info */
  NodeInfo info();

  /** @return whether the node is part of a cluster */
  boolean isClustered();

  /** @return the info of every live member, read from the cluster */
  Future<List<NodeInfo>> members();

  /**
   * @return the ids of the live members as the cluster manager sees them now (a member that just
   *     joined is here before its {@link NodeInfo} is known)
   */
  Set<String> memberIds();

  /** @return the last known info of the live members (kept current on membership changes), sorted by id */
  List<NodeInfo> knownMembers();

  /**
   * Observes membership: called on this node's context when a node joins or leaves.
   *
   * @param handler the handler
   * @return a handle whose {@code close()} removes the handler
   */
  AutoCloseable onMembershipChange(Handler<MembershipEvent> handler);

  /**
   * @param nodeId a member's id
   * @return whether the member proved the cluster secret (its node info opened with it); always
   *     true for a node started without a secret. Placement and leadership use trusted members only.
   */
  boolean trusted(String nodeId);

  /**
   * @return the number of members the cluster is meant to have ({@link NodeOptions#setExpectedMembers}),
   *     0 when not set
   */
  int expectedMembers();

  /**
   * @return whether this node sees a majority of the expected members (counting itself and the
   *     trusted members it knows); always true when {@link #expectedMembers()} is 0. A node cut off
   *     in a minority by a partition answers false within one failure-detection period, and must
   *     not lead ({@link Leadership} checks this).
   */
  boolean hasQuorum();

  /**
   * @return whether this node is in the cluster's view: a member for the cluster manager, with
   *     its node info in the cluster's directory (false for a moment after it merged back from a
   *     partition, until its info is published again)
   */
  boolean inClusterView();

  /**
   * Members of the Hazelcast cluster that are not agentbus nodes of this cluster: members that
   * have published no node info that opens with our secret within {@link #INTRUDER_GRACE_MILLIS}
   * of joining, and Hazelcast clients connected to this member (agentbus uses none). Each is
   * logged once, with its address, when first seen.
   *
   * @return descriptions such as {@code member 5f3c... at 10.0.0.9:5701} or {@code client at 10.0.0.9:41234}
   */
  List<String> intruders();

  /** How long a new member has to publish its node info before it counts as an intruder. */
  long INTRUDER_GRACE_MILLIS = 10_000;

  /**
   * Leaves the cluster and closes the Vert.x instance (unless it was attached).
   *
   * @return completion
   */
  Future<Void> close();

  /**
   * Tells the cluster that what this node offers changed — a GPU attached, more cores given to
   * its container, a label an operator set — by publishing its {@link NodeInfo} again. Every node
   * then sees a {@link MembershipEvent.Type#UPDATED} event, and placement follows: agents of types
   * whose {@code NodeRequirements} or labels this node now meets (or no longer meets) move, and
   * types weighted by cores are spread anew. Only agents whose owner changed move.
   *
   * @param cores the processors it offers now
   * @param gpus the GPUs it offers now
   * @param labels its labels now
   * @return completes once the cluster's directory holds the new info
   */
  default Future<Void> announceCapabilities(int cores, int gpus, java.util.Map<String, String> labels) {
    return Future.failedFuture(new UnsupportedOperationException("this node cannot announce new capabilities"));
  }
}
