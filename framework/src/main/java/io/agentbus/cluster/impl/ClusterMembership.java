package io.agentbus.cluster.impl;

import com.hazelcast.cluster.MembershipListener;
import io.agentbus.cluster.MembershipEvent;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Membership of the cluster a Vert.x instance belongs to: the node ids and join/leave events.
 * Hazelcast's membership listener when available; otherwise the cluster manager's node list,
 * polled; a single local node when not clustered. Events are delivered on one Vert.x context.
 */
public final class ClusterMembership {

  private static final long POLL_MILLIS = 500;
  private static final String VERTX_NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final Vertx vertx;
  private final Context context;
  private final ClusterManager clusterManager;
  private final String localNodeId;
  private final List<Handler<MembershipEvent>> handlers = new CopyOnWriteArrayList<>();
  private Set<String> lastNodes;
  private UUID hazelcastRegistration;
  private UUID lifecycleRegistration;
  private long pollTimer = -1;

  private ClusterMembership(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.clusterManager = ((VertxInternal) vertx).clusterManager();
    this.localNodeId = clusterManager != null ? clusterManager.getNodeId() : "local-" + UUID.randomUUID();
  }

  /**
   * @param vertx a Vert.x instance
   * @return its membership, already listening
   */
  public static ClusterMembership of(Vertx vertx) {
    ClusterMembership m = new ClusterMembership(vertx);
    m.listen();
    return m;
  }

  private void listen() {
    if (clusterManager instanceof HazelcastClusterManager) {
      hazelcastRegistration = ((HazelcastClusterManager) clusterManager).getHazelcastInstance().getCluster()
          .addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(com.hazelcast.cluster.MembershipEvent e) {
              emit(MembershipEvent.Type.JOINED, vertxNodeId(e.getMember()));
            }

            @Override
            public void memberRemoved(com.hazelcast.cluster.MembershipEvent e) {
              emit(MembershipEvent.Type.LEFT, vertxNodeId(e.getMember()));
            }
          });
      // fired on the member that went through a split-brain merge, after its data was merged
      lifecycleRegistration = ((HazelcastClusterManager) clusterManager).getHazelcastInstance().getLifecycleService()
          .addLifecycleListener(e -> {
            if (e.getState() == com.hazelcast.core.LifecycleEvent.LifecycleState.MERGED) {
              emit(MembershipEvent.Type.MERGED, localNodeId);
            }
          });
    } else if (clusterManager != null) {
      lastNodes = new HashSet<>(clusterManager.getNodes());
      pollTimer = vertx.setPeriodic(POLL_MILLIS, id -> poll());
    }
  }

  /** Vert.x names a Hazelcast member by an attribute it sets, not by the member's UUID. */
  private static String vertxNodeId(com.hazelcast.cluster.Member member) {
    String id = member.getAttribute(VERTX_NODE_ID_ATTRIBUTE);
    return id != null ? id : member.getUuid().toString();
  }

  private void poll() {
    Set<String> now = new HashSet<>(clusterManager.getNodes());
    for (String n : now) {
      if (!lastNodes.contains(n)) {
        emit(MembershipEvent.Type.JOINED, n);
      }
    }
    for (String n : lastNodes) {
      if (!now.contains(n)) {
        emit(MembershipEvent.Type.LEFT, n);
      }
    }
    lastNodes = now;
  }

  private void emit(MembershipEvent.Type type, String nodeId) {
    MembershipEvent event = new MembershipEvent(type, nodeId);
    context.runOnContext(v -> handlers.forEach(h -> h.handle(event)));
  }

  /** @return this node's id */
  public String localNodeId() {
    return localNodeId;
  }

  /** @return whether the instance is clustered */
  public boolean isClustered() {
    return clusterManager != null;
  }

  /** @return the ids of the live nodes */
  public Set<String> nodes() {
    return clusterManager == null ? Set.of(localNodeId) : new HashSet<>(clusterManager.getNodes());
  }

  /**
   * @return every member of the cluster: the Vert.x nodes of {@link #nodes()} and, on Hazelcast,
   *     members that are no Vert.x node (a plain Hazelcast member joined with the cluster's name:
   *     the cluster manager does not list those), named by their member UUID
   */
  public Set<String> allMembers() {
    if (!(clusterManager instanceof HazelcastClusterManager)) {
      return nodes();
    }
    Set<String> all = nodes();
    for (com.hazelcast.cluster.Member m : ((HazelcastClusterManager) clusterManager).getHazelcastInstance().getCluster().getMembers()) {
      all.add(vertxNodeId(m));
    }
    return all;
  }

  /** @return the network address of member {@code nodeId}, or "unknown address" */
  public String addressOf(String nodeId) {
    if (clusterManager instanceof HazelcastClusterManager) {
      for (com.hazelcast.cluster.Member m : ((HazelcastClusterManager) clusterManager).getHazelcastInstance().getCluster().getMembers()) {
        if (vertxNodeId(m).equals(nodeId)) {
          return m.getAddress().getHost() + ":" + m.getAddress().getPort();
        }
      }
    }
    return "unknown address";
  }

  /** @return the Hazelcast clients connected to this member, described with their address (agentbus uses none) */
  public List<String> clients() {
    if (!(clusterManager instanceof HazelcastClusterManager)) {
      return List.of();
    }
    List<String> out = new java.util.ArrayList<>();
    try {
      for (com.hazelcast.client.Client c : ((HazelcastClusterManager) clusterManager).getHazelcastInstance()
          .getClientService().getConnectedClients()) {
        java.net.InetSocketAddress a = c.getSocketAddress();
        out.add("Hazelcast client " + c.getName() + " at " + (a == null ? "unknown address" : a.getHostString() + ":" + a.getPort()));
      }
    } catch (RuntimeException e) {
      // Hazelcast is shutting down
    }
    return out;
  }

  /** Adds a handler; returns a handle that removes it. */
  public AutoCloseable addHandler(Handler<MembershipEvent> handler) {
    handlers.add(handler);
    return () -> handlers.remove(handler);
  }

  /** Stops listening. */
  public void close() {
    handlers.clear();
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    if (hazelcastRegistration != null) {
      try {
        ((HazelcastClusterManager) clusterManager).getHazelcastInstance().getCluster()
            .removeMembershipListener(hazelcastRegistration);
        ((HazelcastClusterManager) clusterManager).getHazelcastInstance().getLifecycleService()
            .removeLifecycleListener(lifecycleRegistration);
      } catch (RuntimeException ignored) {
        // Hazelcast already shut down
      }
    }
  }
}
