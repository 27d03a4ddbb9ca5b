package io.agentbus.testing;

import io.agentbus.cluster.Node;
import io.vertx.core.Promise;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;

import java.util.List;

import static io.agentbus.testing.Await.await;

/** What tests do to the cluster manager's registry of event-bus consumers. */
public final class ClusterRegistry {

  private ClusterRegistry() {
  }

  /**
   * Removes every registration of {@code address} by {@code node} from the cluster's registry: what
   * the cluster loses when it re-forms around a node that was alone (the node's consumers still
   * exist; nothing in the cluster sends to them).
   */
  public static void forget(Node node, String address) {
    ClusterManager cm = ((VertxInternal) node.vertx()).clusterManager();
    Promise<List<RegistrationInfo>> regs = Promise.promise();
    cm.getRegistrations(address, regs);
    for (RegistrationInfo info : await(regs.future())) {
      if (info.nodeId().equals(node.id())) {
        Promise<Void> removed = Promise.promise();
        cm.removeRegistration(address, info, removed);
        await(removed.future());
      }
    }
  }
}
