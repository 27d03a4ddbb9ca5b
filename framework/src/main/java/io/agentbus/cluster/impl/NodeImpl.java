package io.agentbus.cluster.impl;

import io.agentbus.cluster.MembershipEvent;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeInfo;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.cluster.ReachableConsumers;
import io.agentbus.message.impl.MessageCodecImpl;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** {@link Node} implementation. */
public final class NodeImpl implements Node {


  private final Vertx vertx;
  private volatile NodeInfo info;
  private final boolean ownsVertx;
  private final ClusterMembership membership;
  private final String namespace;
  private final String announceAddress;
  private final Map<String, NodeInfo> known = new ConcurrentHashMap<>();
  /** Nodes that said they are leaving: their name (while it is still known) and when they said it. */
  private final Map<String, Leaving> leaving = new ConcurrentHashMap<>();

  private record Leaving(String name, long atMillis) {
  }
  private static final long LEAVING_NOTICE_MILLIS = 60_000;
  private AsyncMap<String, JsonObject> directory;
  private ReachableConsumers consumers;
  private ReachableConsumers.Endpoint announcements;
  private AutoCloseable membershipRegistration;
  private Future<Void> closing;
  private final boolean secured;
  private final int expectedMembers;
  private long selfCheckTimer = -1;
  /** Whether this node's info was in the directory at the last check. */
  private volatile boolean listed = true;
  private final List<Handler<MembershipEvent>> trustHandlers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
  private final Set<String> reported = ConcurrentHashMap.newKeySet();
  private volatile List<String> intruders = List.of();
  private long intruderTimer = -1;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NodeImpl.class);

  private NodeImpl(Vertx vertx, NodeOptions options, boolean ownsVertx) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.membership = ClusterMembership.of(vertx);
    this.info = NodeDescription.of(membership.localNodeId(), options);
    this.namespace = options.getNamespace();
    this.announceAddress = namespace + "/_node/announce";
    this.secured = options.getClusterSecret() != null;
    this.expectedMembers = options.getExpectedMembers();
  }

  /** Starts a node (see {@link Node#start(NodeOptions, VertxOptions)}). */
  public static Future<Node> start(NodeOptions options, VertxOptions vertxOptions, VertxMetricsFactory metrics) {
    try {
      options.validate();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (!options.isClustered()) {
      VertxBuilder b = Vertx.builder().with(vertxOptions);
      if (metrics != null) {
        b.withMetrics(metrics);
      }
      return attach(b.build(), options, true);
    }
    return ClusteredVertx.start(options, vertxOptions, metrics).compose(started -> attach(started.vertx(), started.options(), true));
  }

  /** Attaches to a Vert.x instance (see {@link Node#attach(Vertx, NodeOptions)}). */
  public static Future<Node> attach(Vertx vertx, NodeOptions options, boolean ownsVertx) {
    MessageCodecImpl.registerOn(vertx.eventBus());
    NodeImpl node = new NodeImpl(vertx, options, ownsVertx);
    // context-free: a start that fails closes the Vert.x instance, whose event loops could then no
    // longer run the caller's continuation (the failure was lost and the start hung)
    Promise<Node> started = Promise.promise();
    node.publish().onComplete(ar -> {
      if (ar.succeeded()) {
        started.complete(node);
      } else if (ownsVertx) {
        vertx.close().onComplete(v -> started.fail(ar.cause()));
      } else {
        started.fail(ar.cause());
      }
    });
    return started.future();
  }

  private Future<Void> publish() {
    known.put(info.id(), info);
    consumers = ReachableConsumers.create(vertx, "node " + info.id());
    announcements = consumers.add(() -> vertx.eventBus().<JsonObject>consumer(announceAddress, m -> {
      if (m.body() != null && m.body().getBoolean("leaving", false)) {
        String id = m.body().getString("id", "");
        NodeInfo who = known.get(id);
        leaving.put(id, new Leaving(who != null ? who.name() : null, System.currentTimeMillis()));
      } else {
        refresh();
      }
    }));
    membershipRegistration = membership.addHandler(this::onMembership);
    if (membership.isClustered()) {
      intruderTimer = vertx.setPeriodic(1_000, t -> checkIntruders());
      selfCheckTimer = vertx.setPeriodic(SELF_CHECK_MILLIS, t -> ensurePublished());
    }
    return io.agentbus.cluster.SharedMaps.<String, JsonObject>get(vertx, "agentbus." + namespace + ".nodes")
        .compose(map -> {
          directory = map;
          return secured ? Future.succeededFuture() : refuseIfTheClusterIsSealed(map);
        })
        .compose(v -> directory.put(info.id(), info.toJson()))
        .compose(v -> announcements.completion())
        .compose(v -> refresh())
        .onSuccess(v -> vertx.eventBus().publish(announceAddress, new JsonObject().put("id", info.id())));
  }

  /**
   * Fails when the directory holds sealed node infos while this node has no secret: it joined a
   * secured cluster (Hazelcast cannot tell), where it could read nothing and no member would trust it.
   */
  private Future<Void> refuseIfTheClusterIsSealed(AsyncMap<String, JsonObject> map) {
    return map.entries().compose(all -> {
      for (Object v : ((Map<String, ?>) all).values()) {
        if (v instanceof String) {
          return Future.failedFuture(new IllegalStateException("the cluster '" + namespace + "' is secured with a cluster "
              + "secret and this node has none: its members seal what they share and would never trust this node; start it "
              + "with the cluster's secret (--cluster-secret-file or AGENTBUS_CLUSTER_SECRET)"));
        }
      }
      return Future.succeededFuture();
    });
  }

  /** How often a clustered node checks that its own info is still in the directory (and re-reads the others'). */
  static final long SELF_CHECK_MILLIS = 2_000;

  /**
   * Puts this node's info back when it is missing from the directory: the others remove a node's
   * entry when they see it leave, so after a partition or a pause longer than failure detection
   * the node that merges back must publish itself again, or it stays invisible to everyone.
   */
  private Future<Void> ensurePublished() {
    if (directory == null || closing != null) {
      return Future.succeededFuture();
    }
    return directory.get(info.id()).compose(mine -> {
      if (mine != null) {
        listed = true;
        return refresh();
      }
      listed = false;
      LOG.info("this node's info was missing from the cluster's directory (it was cut off or paused, and merged back): "
          + "published again");
      return directory.put(info.id(), info.toJson()).onSuccess(v -> listed = true).compose(v -> refresh())
          .onSuccess(v -> vertx.eventBus().publish(announceAddress, new JsonObject().put("id", info.id())));
    }).recover(err -> {
      LOG.debug("directory check failed: {}", err.getMessage());
      return Future.succeededFuture();
    });
  }

  private void onMembership(MembershipEvent event) {
    if (event.type() == MembershipEvent.Type.JOINED || event.type() == MembershipEvent.Type.MERGED) {
      // the cluster may have lost this node's registrations when it re-formed around it
      vertx.setTimer(1_000, t -> consumers.verify(announceAddress));
    }
    if (event.type() == MembershipEvent.Type.MERGED) {
      known.put(info.id(), info);
      ensurePublished();
      return;
    }
    if (event.type() == MembershipEvent.Type.LEFT) {
      NodeInfo gone = known.remove(event.nodeId());
      Leaving said = leaving.remove(event.nodeId());
      String name = gone != null ? gone.name() : said != null ? said.name() : null;
      String who = event.nodeId() + (name != null ? " (" + name + ")" : "");
      if (said != null && System.currentTimeMillis() - said.atMillis() < LEAVING_NOTICE_MILLIS) {
        LOG.info("node {} left the cluster (it said so before it went)", who);
      } else {
        LOG.warn("node {} is gone without saying so: it crashed, was killed, is cut off or paused longer than "
            + "the failure detection", who);
      }
      if (directory != null) {
        directory.remove(event.nodeId());
      }
    } else {
      refresh();
    }
  }

  private Future<Void> refresh() {
    return members().onSuccess(list -> {
      Set<String> live = list.stream().map(NodeInfo::id).collect(Collectors.toSet());
      live.add(info.id()); // this node knows itself even while its entry is being put back
      known.keySet().retainAll(live);
      for (NodeInfo n : list) {
        NodeInfo before = known.put(n.id(), n);
        if (before == null && secured) {
          // newly trusted: placement may now choose it
          MembershipEvent joined = new MembershipEvent(MembershipEvent.Type.JOINED, n.id());
          trustHandlers.forEach(h -> h.handle(joined));
        } else if (before != null && !before.equals(n)) {
          // it announced new capabilities or labels: placement follows
          MembershipEvent updated = new MembershipEvent(MembershipEvent.Type.UPDATED, n.id());
          trustHandlers.forEach(h -> h.handle(updated));
        }
      }
    }).mapEmpty();
  }

  /** Members without a node info of ours after the grace period, and Hazelcast clients: logged once each. */
  private void checkIntruders() {
    long now = System.currentTimeMillis();
    Set<String> members = membership.allMembers();
    firstSeen.keySet().retainAll(members);
    List<String> found = new ArrayList<>();
    for (String id : members) {
      long seen = firstSeen.computeIfAbsent(id, k -> now);
      if (!known.containsKey(id) && now - seen >= Node.INTRUDER_GRACE_MILLIS) {
        found.add("member " + id + " at " + membership.addressOf(id));
      }
    }
    found.addAll(membership.clients());
    if (!found.isEmpty() && found.size() != intruders.size()) {
      refresh(); // a slow legitimate announcement is given one more read before it is reported
    }
    for (String f : found) {
      if (reported.add(f)) {
        LOG.warn("intruder in the cluster: {} is not an agentbus node of this cluster ({}); it is never placed on or "
            + "trusted to lead", f, secured ? "it cannot prove the cluster secret" : "it published no node info");
      }
    }
    intruders = List.copyOf(found);
  }

  @Override
  public boolean trusted(String nodeId) {
    return !secured || nodeId.equals(info.id()) || known.containsKey(nodeId);
  }

  @Override
  public int expectedMembers() {
    return expectedMembers;
  }

  @Override
  public boolean inClusterView() {
    return !membership.isClustered() || (membership.nodes().contains(info.id()) && listed);
  }

  @Override
  public boolean hasQuorum() {
    if (expectedMembers == 0) {
      return true;
    }
    Set<String> live = membership.nodes();
    long trustedLive = known.keySet().stream().filter(live::contains).count();
    return trustedLive >= expectedMembers / 2 + 1;
  }

  @Override
  public List<String> intruders() {
    return intruders;
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public String id() {
    return info.id();
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public NodeInfo info() {
    return info;
  }

  @Override
  public boolean isClustered() {
    return membership.isClustered();
  }

  @Override
  public Future<List<NodeInfo>> members() {
    if (directory == null) {
      return Future.succeededFuture(List.of(info));
    }
    return directory.entries().map(all -> {
      Set<String> live = membership.nodes();
      // an outsider may have stored anything: only entries that are node infos count
      return ((Map<String, ?>) all).values().stream().filter(v -> v instanceof JsonObject).map(v -> {
        try {
          return NodeInfo.fromJson((JsonObject) v);
        } catch (RuntimeException e) {
          return null;
        }
      }).filter(n -> n != null && live.contains(n.id()))
          .sorted(Comparator.comparing(NodeInfo::id)).collect(Collectors.toList());
    });
  }

  @Override
  public Set<String> memberIds() {
    return membership.nodes();
  }

  @Override
  public List<NodeInfo> knownMembers() {
    List<NodeInfo> out = new ArrayList<>(known.values());
    out.sort(Comparator.comparing(NodeInfo::id));
    return out;
  }

  @Override
  public Future<Void> announceCapabilities(int cores, int gpus, Map<String, String> labels) {
    if (cores < 1 || gpus < 0) {
      return Future.failedFuture(new IllegalArgumentException("cores must be at least 1 and gpus at least 0, got " + cores
          + " and " + gpus));
    }
    NodeInfo old = info;
    info = new NodeInfo(old.id(), old.name(), old.host(), cores, old.maxMemoryBytes(), gpus, labels, old.startedAtMillis());
    if (directory == null) {
      return Future.failedFuture(new IllegalStateException("the node is not started"));
    }
    return directory.put(info.id(), info.toJson()).compose(v -> refresh())
        .onSuccess(v -> vertx.eventBus().publish(announceAddress, new JsonObject().put("id", info.id())));
  }

  @Override
  public AutoCloseable onMembershipChange(Handler<MembershipEvent> handler) {
    AutoCloseable registration = membership.addHandler(handler);
    trustHandlers.add(handler);
    return () -> {
      trustHandlers.remove(handler);
      registration.close();
    };
  }

  @Override
  public synchronized Future<Void> close() {
    if (closing == null) {
      closing = doClose();
    }
    return closing;
  }

  private Future<Void> doClose() {
    if (intruderTimer >= 0) {
      vertx.cancelTimer(intruderTimer);
    }
    if (selfCheckTimer >= 0) {
      vertx.cancelTimer(selfCheckTimer);
    }
    try {
      membershipRegistration.close();
    } catch (Exception ignored) {
      // nothing to release
    }
    membership.close();
    if (isClustered()) {
      // the others log a leave as a leave, not as a lost member (sent before anything else goes)
      try {
        vertx.eventBus().publish(announceAddress, new JsonObject().put("id", info.id()).put("leaving", true));
      } catch (RuntimeException clusterAlreadyGone) {
        // closed after a crash of its cluster manager or its Vert.x: there is nobody to tell
      }
    }
    Future<Void> removed;
    try {
      removed = directory == null ? Future.succeededFuture() : directory.remove(info.id()).<Void>mapEmpty().otherwiseEmpty();
    } catch (RuntimeException clusterAlreadyGone) {
      removed = Future.succeededFuture();
    }
    // the Vert.x instance's own event loops are gone once it is closed: complete on a context-free
    // promise, or the caller's continuation would be scheduled on a terminated event loop
    Promise<Void> closed = Promise.promise();
    removed.compose(v -> consumers.closeAll().otherwiseEmpty()).onComplete(v -> {
      if (ownsVertx) {
        vertx.close().onComplete(closed);
      } else {
        closed.complete();
      }
    });
    return closed.future();
  }
}
