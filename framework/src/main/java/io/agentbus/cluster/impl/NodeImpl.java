package io.agentbus.cluster.impl;

import io.agentbus.cluster.MembershipEvent;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeInfo;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.message.impl.MessageCodecImpl;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.File;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** {@link Node} implementation. */
public final class NodeImpl implements Node {

  /** Resolved once, on the thread that first starts a node, never on an event loop. */
  private static final String HOST = hostName();

  private final Vertx vertx;
  private final NodeInfo info;
  private final boolean ownsVertx;
  private final ClusterMembership membership;
  private final String namespace;
  private final String announceAddress;
  private final Map<String, NodeInfo> known = new ConcurrentHashMap<>();
  private AsyncMap<String, JsonObject> directory;
  private MessageConsumer<JsonObject> announcements;
  private AutoCloseable membershipRegistration;
  private Future<Void> closing;

  private NodeImpl(Vertx vertx, NodeOptions options, boolean ownsVertx) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.membership = ClusterMembership.of(vertx);
    this.info = describe(membership.localNodeId(), options, vertx);
    this.namespace = options.getNamespace();
    this.announceAddress = namespace + "/_node/announce";
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
    VertxOptions vo = new VertxOptions(vertxOptions);
    EventBusOptions eb = vo.getEventBusOptions();
    String ebHost = options.getEventBusHost() != null ? options.getEventBusHost() : options.getClusterHost();
    if (ebHost != null) {
      eb.setHost(ebHost);
    }
    eb.setPort(options.getEventBusPort());
    if (options.getEventBusPublicHost() != null) {
      eb.setClusterPublicHost(options.getEventBusPublicHost());
    }
    HazelcastClusterManager cm = new HazelcastClusterManager(HazelcastConfigs.build(options));
    VertxBuilder b = Vertx.builder().with(vo).withClusterManager(cm);
    if (metrics != null) {
      b.withMetrics(metrics);
    }
    return b.buildClustered()
        .compose(vertx -> attach(vertx, options, true));
  }

  /** Attaches to a Vert.x instance (see {@link Node#attach(Vertx, NodeOptions)}). */
  public static Future<Node> attach(Vertx vertx, NodeOptions options, boolean ownsVertx) {
    MessageCodecImpl.registerOn(vertx.eventBus());
    NodeImpl node = new NodeImpl(vertx, options, ownsVertx);
    return node.publish().<Node>map(node).recover(err -> ownsVertx
        ? vertx.close().transform(v -> Future.failedFuture(err)) : Future.failedFuture(err));
  }

  private Future<Void> publish() {
    known.put(info.id(), info);
    announcements = vertx.eventBus().consumer(announceAddress, m -> refresh());
    membershipRegistration = membership.addHandler(this::onMembership);
    return vertx.sharedData().<String, JsonObject>getAsyncMap("agentbus." + namespace + ".nodes")
        .compose(map -> {
          directory = map;
          return map.put(info.id(), info.toJson());
        })
        .compose(v -> announcements.completion())
        .compose(v -> refresh())
        .onSuccess(v -> vertx.eventBus().publish(announceAddress, new JsonObject().put("id", info.id())));
  }

  private void onMembership(MembershipEvent event) {
    if (event.type() == MembershipEvent.Type.LEFT) {
      known.remove(event.nodeId());
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
      known.keySet().retainAll(live);
      list.forEach(n -> known.put(n.id(), n));
    }).mapEmpty();
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
      return all.values().stream().map(NodeInfo::fromJson).filter(n -> live.contains(n.id()))
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
  public AutoCloseable onMembershipChange(Handler<MembershipEvent> handler) {
    return membership.addHandler(handler);
  }

  @Override
  public synchronized Future<Void> close() {
    if (closing == null) {
      closing = doClose();
    }
    return closing;
  }

  private Future<Void> doClose() {
    try {
      membershipRegistration.close();
    } catch (Exception ignored) {
      // nothing to release
    }
    membership.close();
    Future<Void> removed;
    try {
      removed = directory == null ? Future.succeededFuture() : directory.remove(info.id()).<Void>mapEmpty().otherwiseEmpty();
    } catch (RuntimeException clusterAlreadyGone) {
      removed = Future.succeededFuture();
    }
    // the Vert.x instance's own event loops are gone once it is closed: complete on a context-free
    // promise, or the caller's continuation would be scheduled on a terminated event loop
    Promise<Void> closed = Promise.promise();
    removed.compose(v -> announcements.unregister().otherwiseEmpty()).onComplete(v -> {
      if (ownsVertx) {
        vertx.close().onComplete(closed);
      } else {
        closed.complete();
      }
    });
    return closed.future();
  }

  private static NodeInfo describe(String id, NodeOptions options, Vertx vertx) {
    String host = HOST;
    String advertised = options.getEventBusPublicHost() != null ? options.getEventBusPublicHost()
        : options.getClusterHost() != null ? options.getClusterHost() : host;
    return new NodeInfo(id, options.getNodeName() != null ? options.getNodeName() : host, advertised,
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory(), gpus(),
        options.getLabels(), System.currentTimeMillis());
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }

  private static int gpus() {
    File[] nvidia = new File("/proc/driver/nvidia/gpus").listFiles();
    return nvidia == null ? 0 : nvidia.length;
  }
}
