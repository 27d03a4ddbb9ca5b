package io.agentbus.cluster.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;

import java.util.List;

/**
 * Whether the cluster still knows this node's event-bus consumer of an address. After a partition
 * the cluster can re-form around a node that was alone, and vertx-hazelcast then loses that node's
 * registrations that lived only in the others' partitions without republishing them (it republishes
 * only on the merging side): sends to the address fail with "no handlers" although the consumer runs.
 */
public final class EventBusRegistrations {

  private EventBusRegistrations() {
  }

  /** @return whether the cluster lists a registration of {@code address} by this node (always true when not clustered) */
  /**
   * @return whether {@code err} says nobody listens at the address a message went to (its node or
   *     its consumer is gone): Vert.x drops a plain send then, and fails a request this way
   */
  public static boolean noHandlers(Throwable err) {
    return err instanceof io.vertx.core.eventbus.ReplyException
        && ((io.vertx.core.eventbus.ReplyException) err).failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS;
  }

  public static Future<Boolean> known(Vertx vertx, String address) {
    ClusterManager cm = ((VertxInternal) vertx).clusterManager();
    if (cm == null) {
      return Future.succeededFuture(true);
    }
    Promise<List<RegistrationInfo>> p = Promise.promise();
    try {
      cm.getRegistrations(address, p);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return p.future().map(list -> list.stream().anyMatch(r -> cm.getNodeId().equals(r.nodeId())));
  }
}
