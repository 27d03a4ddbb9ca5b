package io.agentbus.cluster;

import io.agentbus.cluster.impl.LeaseLeadership;
import io.vertx.core.Future;
import io.vertx.core.Handler;

/**
 * One leader per cluster for a named role (the market driver, a sweep that must run once), fenced.
 *
 * <p>The leader holds a lease in the cluster's shared data: a record of the holder, a
 * <em>fencing token</em> and an expiry, renewed by compare-and-set several times per lease
 * period. A node takes the lease over when it has expired or its holder has left the cluster, and
 * each takeover increases the token. A node leads only while
 * <ul>
 *   <li>it {@linkplain Node#hasQuorum() sees a majority} of the expected members (so the minority
 *   side of a partition stops leading within one failure-detection period),</li>
 *   <li>it is in the cluster's view, and</li>
 *   <li>its last renewal succeeded less than one lease period ago by its own monotonic clock (so a
 *   node resumed after a long pause does not act on a lease it lost while frozen).</li>
 * </ul>
 * Whatever the leader does on others' behalf should carry {@link #token()}; the receiver remembers
 * the highest token it has seen and refuses older ones, so work from a deposed leader that was
 * already on its way is refused rather than applied twice.
 *
 * <pre>{@code
 * Leadership driver = Leadership.start(node, "market-driver", 10_000).await();
 * vertx.setPeriodic(1000, t -> {
 *   if (driver.isLeader()) {
 *     step(driver.token());
 *   }
 * });
 * }</pre>
 *
 * Without {@link NodeOptions#setExpectedMembers expected members} there is no quorum: each side
 * of a partition then elects its own leader, and after the heal the cluster's record keeps one and
 * the other steps down at its next renewal.
 */
public interface Leadership {

  /**
   * Starts contending for {@code role}.
   *
   * @param node the node
   * @param role the role's name (one lease per role and namespace)
   * @param leaseMillis the lease period (at least 500 ms): how long a leader keeps leading without
   *     a successful renewal, and how long an expired holder is waited for. Use the cluster's
   *     failure-detection period
   * @return the leadership, contending
   */
  static Future<Leadership> start(Node node, String role, long leaseMillis) {
    return LeaseLeadership.start(node, role, leaseMillis);
  }

  /** @return the role */
  String role();

  /** @return whether this node leads now (see the class description for what that requires) */
  boolean isLeader();

  /** @return the fencing token of this node's term while it leads, 0 otherwise */
  long token();

  /** @return the id of the node the last read of the lease named as holder, or null */
  String holder();

  /**
   * Observes changes: called with true when this node starts leading, false when it stops.
   *
   * @param handler called on the node's context
   * @return a handle whose {@code close()} removes the handler
   */
  AutoCloseable onChange(Handler<Boolean> handler);

  /**
   * Raises this leader's fencing token above {@code seen}: a fenced resource refused this
   * leader's token because it has already seen a newer one. That happens after a split-brain
   * merge, when the lease the cluster kept comes from a side whose token is lower than the one a
   * leader on another side used meanwhile; without this, the leader would renew its old token and
   * be refused for ever.
   *
   * @return the new token; fails when this node does not hold the lease (it stops leading then)
   */
  Future<Long> raiseTokenAbove(long seen);

  /**
   * Stops contending; a lease held is given up (expired at once, its token kept so the next
   * leader's is higher).
   *
   * @return completion
   */
  Future<Void> close();
}
