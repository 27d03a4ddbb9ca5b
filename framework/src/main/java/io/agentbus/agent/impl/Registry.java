package io.agentbus.agent.impl;

import io.agentbus.agent.RegistrationOptions;
import io.agentbus.agent.Subscription;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.impl.EventBusRegistrations;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registry replication: the cluster-wide agent types and subscriptions, kept in this node's
 * {@link Directory}. A change is persisted in a cluster map (read by nodes that start later) and
 * pushed to every live runtime's directory address with an acknowledgement, so a completed change
 * is in force everywhere; reading the directory needs no cluster call.
 *
 * <p>Threads: changes are made from callers' threads, pushes from other nodes arrive on the
 * runtime's context, membership changes on the membership context. The directory is safe for all
 * three; operations that arrive while the map is read at start are held, under their own monitor,
 * and applied in arrival order before any later one. Every change that alters the directory is
 * reported to the listener given at construction, on the thread that applied it.
 */
final class Registry {

  private static final Logger LOG = LoggerFactory.getLogger(Registry.class);

  private final Node node;
  private final EventBus eventBus;
  private final RuntimeAddresses addresses;
  private final long ackTimeoutMillis;
  private final Runnable changed;
  private final String me;
  private final Directory directory = new Directory();
  /** The registrations this node made, by type: announced again after a merge or to a rejoining node. */
  private final Map<String, JsonObject> announced = new ConcurrentHashMap<>();
  /** Operations that arrived while loading; guarded by itself, as is {@link #loading}. */
  private final List<JsonObject> pendingOps = new ArrayList<>();
  private boolean loading = true;
  private AsyncMap<String, JsonObject> map;

  /**
   * @param node this node
   * @param addresses the runtime's addresses
   * @param ackTimeoutMillis how long another node has to acknowledge a change
   * @param changed told whenever the directory changed (placement must be recomputed)
   */
  Registry(Node node, RuntimeAddresses addresses, long ackTimeoutMillis, Runnable changed) {
    this.node = node;
    this.eventBus = node.vertx().eventBus();
    this.addresses = addresses;
    this.ackTimeoutMillis = ackTimeoutMillis;
    this.changed = changed;
    this.me = node.id();
  }

  /** @return this node's view of the registry */
  Directory directory() {
    return directory;
  }

  /**
   * Reads the persisted registry (the entries of live nodes), then applies what arrived meanwhile.
   *
   * @param registry the cluster map of registrations
   */
  Future<Void> load(AsyncMap<String, JsonObject> registry) {
    this.map = registry;
    return registry.entries().map(entries -> {
      Set<String> live = liveNodes();
      entries.values().forEach(op -> {
        if (op.getString("node") == null || live.contains(op.getString("node"))) {
          directory.apply(op);
        }
      });
      synchronized (pendingOps) {
        pendingOps.forEach(directory::apply);
        pendingOps.clear();
        loading = false;
      }
      changed.run();
      return null;
    });
  }

  /** Announces that this node hosts {@code type}, under {@code options}' placement constraints. */
  Future<Void> announceType(String type, RegistrationOptions options) {
    JsonObject op = registerOp(type, options);
    announced.put(type, op);
    return map.put("type:" + type + "@" + me, op).compose(v -> broadcast(op));
  }

  /** Withdraws this node's registration of {@code type}. */
  Future<Void> withdrawType(String type) {
    announced.remove(type);
    JsonObject op = new JsonObject().put("op", Directory.UNREGISTER).put("type", type).put("node", me);
    return map.remove("type:" + type + "@" + me).compose(v -> broadcast(op));
  }

  /** Adds a subscription cluster-wide; refused when an equal one exists. */
  Future<Void> addSubscription(Subscription s) {
    Subscription existing = directory.conflicting(s);
    if (existing != null) {
      return Future.failedFuture(new IllegalArgumentException("subscription " + s + " already exists as " + existing));
    }
    JsonObject op = addSubOp(s);
    return map.put("sub:" + s.id(), op).compose(v -> broadcast(op));
  }

  /** Removes a subscription cluster-wide; refused when there is none with {@code id}. */
  Future<Void> removeSubscription(String id) {
    if (directory.subscriptions().stream().noneMatch(s -> s.id().equals(id))) {
      return Future.failedFuture(new IllegalArgumentException("no subscription with id '" + id + "'"));
    }
    JsonObject op = new JsonObject().put("op", Directory.REMOVE_SUB).put("id", id);
    return map.remove("sub:" + id).compose(v -> broadcast(op));
  }

  /** Tells every node this runtime has closed: its agents are stopped, their state saved. */
  Future<Void> announceClosed() {
    return broadcast(new JsonObject().put("op", Directory.RUNTIME_CLOSED).put("node", me));
  }

  /** Forgets what {@code left} registered, here and in the persisted registry. */
  void nodeLeft(String left) {
    apply(new JsonObject().put("op", Directory.NODE_LEFT).put("node", left));
    if (map != null) {
      map.entries().onSuccess(all -> all.forEach((k, op) -> {
        if (left.equals(op.getString("node"))) {
          map.remove(k);
        }
      }));
    }
  }

  /**
   * A node (re)joined: one merging back after a partition or a pause lost what this node
   * registered when it saw this node leave, so this node tells it again (both idempotent).
   */
  void joined(String other) {
    if (!other.equals(me) && map != null) {
      resendTo(other);
    }
  }

  /**
   * This node merged back after being cut off: the others removed its registrations when they saw
   * it leave, and it removed theirs. It puts its own back, in the map and on every node.
   */
  void republish() {
    if (map == null) {
      return;
    }
    announced.forEach((type, op) -> map.put("type:" + type + "@" + me, op).compose(v -> broadcast(op))
        .onFailure(err -> LOG.warn("could not publish agent type {} again after the merge: {}", type, err.getMessage())));
    for (String other : liveNodes()) {
      if (!other.equals(me)) {
        resendTo(other);
      }
    }
  }

  /** Sends {@code other} this node's type registrations and the subscriptions it knows. */
  private void resendTo(String other) {
    List<JsonObject> ops = new ArrayList<>(announced.values());
    for (Subscription s : directory.subscriptions()) {
      ops.add(addSubOp(s));
    }
    for (JsonObject op : ops) {
      eventBus.request(addresses.directory(other), op, new DeliveryOptions().setSendTimeout(ackTimeoutMillis))
          .onFailure(err -> LOG.debug("directory sync to {} failed: {}", other, err.getMessage()));
    }
  }

  /** Handles a change pushed by another node, and acknowledges it. */
  void onPushed(Message<JsonObject> m) {
    apply(m.body());
    m.reply(null);
  }

  /** Applies an operation here and on every other live runtime; completes when all acknowledged. */
  private Future<Void> broadcast(JsonObject op) {
    apply(op);
    List<Future<?>> acks = new ArrayList<>();
    for (String other : liveNodes()) {
      if (!other.equals(me)) {
        acks.add(eventBus.request(addresses.directory(other), op, new DeliveryOptions().setSendTimeout(ackTimeoutMillis))
            .recover(err -> {
              if (!EventBusRegistrations.noHandlers(err)) {
                LOG.warn("node {} did not acknowledge directory change {}: {}", other, op.getString("op"), err.getMessage());
              }
              return Future.succeededFuture();
            }));
      }
    }
    return Future.all(acks).mapEmpty();
  }

  private void apply(JsonObject op) {
    synchronized (pendingOps) {
      if (loading) {
        pendingOps.add(op);
        return;
      }
    }
    if (directory.apply(op)) {
      changed.run();
    }
  }

  /** The cluster manager's view: includes members whose node info has not arrived yet. */
  Set<String> liveNodes() {
    Set<String> live = new HashSet<>(node.memberIds());
    live.add(me);
    return live;
  }

  private JsonObject registerOp(String type, RegistrationOptions options) {
    JsonObject reg = new JsonObject().put("requiredLabels", new JsonObject(new LinkedHashMap<>(options.requiredLabels())));
    if (!options.requirements().isNone()) {
      reg.put("requirements", options.requirements().toJson());
    }
    if (options.weightedByCores()) {
      reg.put("weightedByCores", true);
    }
    return new JsonObject().put("op", Directory.REGISTER).put("type", type).put("node", me).put("registration", reg);
  }

  private static JsonObject addSubOp(Subscription s) {
    return new JsonObject().put("op", Directory.ADD_SUB).put("subscription", Directory.subToJson(s));
  }
}
