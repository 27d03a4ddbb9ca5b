package io.agentbus.agent.impl;

import io.agentbus.agent.AgentFactory;
import io.agentbus.agent.AgentCapacityException;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentUnavailableException;
import io.agentbus.agent.AgentRpcException;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.AgentTimeoutException;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.LifecycleEvent;
import io.agentbus.agent.PayloadTypes;
import io.agentbus.agent.RegistrationOptions;
import io.agentbus.agent.Subscription;
import io.agentbus.agent.TopicId;
import io.agentbus.agent.UnknownAgentTypeException;
import io.agentbus.cluster.MembershipEvent;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeInfo;
import io.agentbus.message.impl.CorruptFrame;
import io.agentbus.message.impl.MessageIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageConsumerOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link AgentRuntime} on a node. Cluster-wide registry changes are persisted in a cluster map
 * (for nodes that join later) and pushed to every live runtime with an acknowledgement, so a
 * completed {@code register}/{@code addSubscription}/{@code removeSubscription} is in force
 * everywhere. Sends and publishes consult only this node's cached view: no cluster-map lookup on
 * the hot path.
 */
public final class AgentRuntimeImpl implements AgentRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(AgentRuntimeImpl.class);
  private static final int MAX_HOPS = 2;
  private static final int INBOX_BUFFER = 65_536;
  /** Placement decisions cached at most (the cache is dropped whenever membership or registrations change). */
  static final int OWNER_CACHE_MAX = 50_000;

  private final Node node;
  private final Vertx vertx;
  private final EventBus eventBus;
  private final Context context;
  private final AgentRuntimeOptions options;
  private final RuntimeTracing tracing;

  /** @return the runtime's tracing (spans around handlers) */
  RuntimeTracing tracing() {
    return tracing;
  }
  private final String me;
  private final String prefix;
  private final PayloadTypes payloadTypes = new PayloadTypes();
  private final Directory directory = new Directory();
  private final Map<AgentId, String> owners = new ConcurrentHashMap<>();
  private final Map<String, Registered> factories = new ConcurrentHashMap<>();
  private final Map<AgentId, Activation> hosts = new ConcurrentHashMap<>();
  private final Map<AgentId, String> deployments = new ConcurrentHashMap<>();
  private final Map<AgentId, Future<Void>> releasing = new ConcurrentHashMap<>();
  private final Map<AgentId, InlineAgent> inlineAgents = new ConcurrentHashMap<>();
  private final AtomicInteger inflight = new AtomicInteger();
  /** Requests waiting for a reply from each node: failed at once when that node leaves. */
  private final io.agentbus.cluster.impl.RequestsInFlight<String> awaitingReplyFrom = new io.agentbus.cluster.impl.RequestsInFlight<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  /**
   * Registry operations that arrive while the registry is being read at start. They come from the
   * runtime's context (pushes from other nodes), the membership context and callers' threads:
   * guarded by its own monitor, and applied in arrival order before any later one.
   */
  private final List<JsonObject> pendingOps = new ArrayList<>();
  private final Counter sent;
  private final Counter published;
  private final Timer rpcTimer;
  private final Counter malformed;
  private final Counter duplicates;
  private boolean loading = true; // guarded by pendingOps
  private AsyncMap<String, JsonObject> registry;
  private StateStore stateStore;
  private AutoCloseable membership;
  private volatile boolean closed;

  private record Registered(AgentFactory factory, RegistrationOptions options) {
  }

  private AgentRuntimeImpl(Node node, AgentRuntimeOptions options) {
    this.node = node;
    this.vertx = node.vertx();
    this.eventBus = vertx.eventBus();
    this.context = vertx.getOrCreateContext();
    this.options = options;
    this.tracing = new RuntimeTracing(options.getOpenTelemetry());
    this.me = node.id();
    this.prefix = options.getNamespace() + "/_runtime/";
    var meters = options.getMeterRegistry();
    String messagesHelp = "agent messages sent (kind=send: RPCs) and published (kind=publish) from this node";
    this.sent = Counter.builder("agentbus.agent.messages").description(messagesHelp).tag("kind", "send").register(meters);
    this.published = Counter.builder("agentbus.agent.messages").description(messagesHelp).tag("kind", "publish").register(meters);
    this.malformed = Counter.builder("agentbus.agent.dropped").description("agent envelopes dropped, per reason")
        .tag("reason", "malformed").register(meters);
    this.duplicates = Counter.builder("agentbus.agent.duplicates")
        .description("agent activations found to be duplicates (another node claimed the agent, e.g. while this one was "
            + "cut off) and stopped without saving their state").register(meters);
    this.rpcTimer = Timer.builder("agentbus.agent.rpc").description("agent RPC round trips, from send to reply or error")
        .serviceLevelObjectives(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(5), java.time.Duration.ofMillis(10),
            java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(500),
            java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(10))
        .register(meters);
  }

  /** Creates a runtime on {@code node}. */
  public static Future<AgentRuntime> create(Node node, AgentRuntimeOptions options) {
    EnvelopeCodec.registerOn(node.vertx().eventBus());
    AgentRuntimeImpl rt = new AgentRuntimeImpl(node, options);
    Promise<AgentRuntime> p = Promise.promise();
    rt.context.runOnContext(v -> {
      try {
        rt.start().<AgentRuntime>map(rt).onComplete(p);
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return p.future();
  }

  /** Registers the runtime's consumers (inbox, directory, release); completes when the cluster knows them. */
  private Future<Void> registerConsumers() {
    MessageConsumer<Object> inbox = eventBus.consumer(new MessageConsumerOptions().setAddress(inboxAddress(me))
        .setMaxBufferedMessages(INBOX_BUFFER));
    inbox.handler(this::onInbox);
    MessageConsumer<JsonObject> dir = eventBus.consumer(prefix + me + "/directory", this::onDirectoryOp);
    MessageConsumer<String> release = eventBus.consumer(prefix + me + "/release",
        m -> release(AgentId.parse(m.body())).onComplete(ar -> m.reply(null)));
    consumers.add(inbox);
    consumers.add(dir);
    consumers.add(release);
    return Future.all(inbox.completion(), dir.completion(), release.completion()).mapEmpty();
  }

  /**
   * After the cluster changed, checks that it still knows this runtime's inbox; when it does not
   * (its registration was lost with partitions this node held no replica of), registers the
   * consumers again and then drops the old ones.
   */
  private void ensureReachable() {
    if (closed) {
      return;
    }
    io.agentbus.cluster.impl.EventBusRegistrations.known(vertx, inboxAddress(me)).onSuccess(known -> {
      if (known || closed) {
        return;
      }
      LOG.warn("the cluster lost this node's agent inbox registration (it re-formed around this node): registering again");
      List<MessageConsumer<?>> old = new ArrayList<>(consumers);
      consumers.clear();
      registerConsumers().onComplete(ar -> old.forEach(MessageConsumer::unregister));
    });
  }

  private Future<Void> start() {
    Future<Void> registered = registerConsumers();
    membership = node.onMembershipChange(this::onMembership);
    String ns = options.getNamespace();
    return registered
        .compose(v -> io.agentbus.cluster.SharedMaps.<String, JsonObject>get(vertx, "agentbus." + ns + ".agent-state"))
        .compose(states -> {
          stateStore = new StateStore(states);
          return io.agentbus.cluster.SharedMaps.<String, JsonObject>get(vertx, "agentbus." + ns + ".agent-registry");
        })
        .compose(map -> {
          registry = map;
          return map.entries();
        })
        .map(entries -> {
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
          owners.clear();
          return null;
        });
  }

  // --- registry ---------------------------------------------------------------------------------

  @Override
  public Future<Void> register(String type, AgentFactory factory, RegistrationOptions regOptions) {
    try {
      AgentId.checkType(type);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (closed) {
      return Future.failedFuture(closedError());
    }
    if (factories.putIfAbsent(type, new Registered(factory, regOptions)) != null) {
      return Future.failedFuture(new IllegalStateException("agent type '" + type + "' is already registered on node " + me));
    }
    JsonObject op = registerOp(type, regOptions);
    return registry.put("type:" + type + "@" + me, op).compose(v -> broadcast(op));
  }

  private JsonObject registerOp(String type, RegistrationOptions regOptions) {
    JsonObject reg = new JsonObject().put("requiredLabels", new JsonObject(new java.util.LinkedHashMap<>(regOptions.requiredLabels())));
    return new JsonObject().put("op", Directory.REGISTER).put("type", type).put("node", me).put("registration", reg);
  }

  @Override
  public Future<Void> unregister(String type) {
    if (factories.remove(type) == null) {
      return Future.failedFuture(new IllegalArgumentException("agent type '" + type + "' is not registered on node " + me));
    }
    JsonObject op = new JsonObject().put("op", Directory.UNREGISTER).put("type", type).put("node", me);
    return registry.remove("type:" + type + "@" + me).compose(v -> broadcast(op)).compose(v -> {
      inlineAgents.keySet().removeIf(id -> id.type().equals(type));
      List<Future<Void>> released = new ArrayList<>();
      for (AgentId id : new ArrayList<>(deployments.keySet())) {
        if (id.type().equals(type)) {
          released.add(release(id));
        }
      }
      return Future.join(released).mapEmpty();
    });
  }

  @Override
  public Future<Void> addSubscription(Subscription s) {
    if (closed) {
      return Future.failedFuture(closedError());
    }
    Subscription existing = directory.conflicting(s);
    if (existing != null) {
      return Future.failedFuture(new IllegalArgumentException("subscription " + s + " already exists as " + existing));
    }
    JsonObject op = new JsonObject().put("op", Directory.ADD_SUB).put("subscription", Directory.subToJson(s));
    return registry.put("sub:" + s.id(), op).compose(v -> broadcast(op));
  }

  @Override
  public Future<Void> removeSubscription(String id) {
    if (closed) {
      return Future.failedFuture(closedError());
    }
    if (directory.subscriptions().stream().noneMatch(s -> s.id().equals(id))) {
      return Future.failedFuture(new IllegalArgumentException("no subscription with id '" + id + "'"));
    }
    JsonObject op = new JsonObject().put("op", Directory.REMOVE_SUB).put("id", id);
    return registry.remove("sub:" + id).compose(v -> broadcast(op));
  }

  @Override
  public List<Subscription> subscriptions() {
    return directory.subscriptions();
  }

  /** Applies an operation here and on every other live runtime; completes when all acknowledged. */
  private Future<Void> broadcast(JsonObject op) {
    applyOp(op);
    List<Future<?>> acks = new ArrayList<>();
    for (String other : liveNodes()) {
      if (!other.equals(me)) {
        acks.add(eventBus.request(prefix + other + "/directory", op, new DeliveryOptions().setSendTimeout(options.getSendTimeoutMillis()))
            .recover(err -> {
              if (!isNoHandlers(err)) {
                LOG.warn("node {} did not acknowledge directory change {}: {}", other, op.getString("op"), err.getMessage());
              }
              return Future.succeededFuture();
            }));
      }
    }
    return Future.all(acks).mapEmpty();
  }

  private void onDirectoryOp(Message<JsonObject> m) {
    applyOp(m.body());
    m.reply(null);
  }

  private void applyOp(JsonObject op) {
    synchronized (pendingOps) {
      if (loading) {
        pendingOps.add(op);
        return;
      }
    }
    if (directory.apply(op)) {
      owners.clear();
      context.runOnContext(v -> rebalance());
    }
  }

  /** Deactivates (saving their state) the local agents this node no longer owns. */
  private void rebalance() {
    for (AgentId id : new ArrayList<>(deployments.keySet())) {
      String owner = owner(id);
      // an agent whose type nobody else hosts stays until this runtime closes
      if (owner != null && !owner.equals(me)) {
        release(id);
      }
    }
  }

  /**
   * Deactivates a local agent so that another node can take it over: its verticle stops and its
   * state is saved first. Completes at once when the agent is not here.
   */
  Future<Void> release(AgentId id) {
    return release(id, System.currentTimeMillis() + options.getDrainTimeoutMillis());
  }

  /** {@link #release(AgentId)}, waiting for the messages it is handling until {@code deadline} (epoch ms) at most. */
  private Future<Void> release(AgentId id, long deadline) {
    Promise<Void> done = Promise.promise();
    Future<Void> pending = releasing.putIfAbsent(id, done.future());
    if (pending != null) {
      return pending;
    }
    String deployment = deployments.remove(id);
    if (deployment == null) {
      // not here, or still starting (an activation that has not started is not taken away)
      releasing.remove(id, done.future());
      done.complete();
      return done.future();
    }
    Activation activation = hosts.remove(id);
    AgentHost host = activation == null ? null : activation.startedHost();
    // messages it is handling finish first (their timers and replies live on its context)
    (host != null ? host.idle(deadline) : Future.<Void>succeededFuture())
        .compose(v -> vertx.undeploy(deployment))
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("agent {} did not stop cleanly ({}); the state it saved last is what its next activation gets",
                id, ar.cause().getMessage());
          }
          releasing.remove(id, done.future());
          done.complete();
        });
    return done.future();
  }

  /** Asks the node that last hosted {@code id} to let it go (state saved) before it is activated here. */
  Future<Void> requestRelease(String previousNode, AgentId id) {
    if (previousNode.equals(me) || !liveNodes().contains(previousNode) || directory.runtimeClosed(previousNode)) {
      // gone, or its runtime closed (agents stopped, state saved): a request would find no
      // handler there and Vert.x drops such a message silently, so the asker would wait out its timeout
      return Future.succeededFuture();
    }
    return eventBus.request(prefix + previousNode + "/release", id.toString(),
        new DeliveryOptions().setSendTimeout(options.getSendTimeoutMillis())).<Void>mapEmpty()
        .recover(err -> {
          LOG.warn("node {} did not release {} ({}); activating with its last saved state", previousNode, id, err.getMessage());
          return Future.succeededFuture();
        });
  }

  private void onMembership(MembershipEvent e) {
    if (e.type() != MembershipEvent.Type.LEFT) {
      vertx.setTimer(1_000, t -> ensureReachable());
    }
    if (e.type() == MembershipEvent.Type.MERGED) {
      owners.clear();
      healAfterMerge();
      return;
    }
    if (e.type() == MembershipEvent.Type.LEFT) {
      failRequestsTo(e.nodeId());
      applyOp(new JsonObject().put("op", Directory.NODE_LEFT).put("node", e.nodeId()));
      if (registry != null) {
        registry.entries().onSuccess(all -> all.forEach((k, op) -> {
          if (e.nodeId().equals(op.getString("node"))) {
            registry.remove(k);
          }
        }));
      }
    }
    owners.clear();
    if (e.type() == MembershipEvent.Type.JOINED) {
      if (!e.nodeId().equals(me) && registry != null) {
        // a new node read the registry at start, but one merging back after a partition or a pause
        // lost what this node registered when it saw this node leave: tell it again
        syncTo(e.nodeId());
      }
      context.runOnContext(v -> rebalance());
    }
  }

  /** Sends {@code other} this node's type registrations and the subscriptions it knows (both idempotent). */
  private void syncTo(String other) {
    List<JsonObject> ops = new ArrayList<>();
    factories.forEach((type, r) -> ops.add(registerOp(type, r.options())));
    for (Subscription s : directory.subscriptions()) {
      ops.add(new JsonObject().put("op", Directory.ADD_SUB).put("subscription", Directory.subToJson(s)));
    }
    for (JsonObject op : ops) {
      eventBus.request(prefix + other + "/directory", op, new DeliveryOptions().setSendTimeout(options.getSendTimeoutMillis()))
          .onFailure(err -> LOG.debug("directory sync to {} failed: {}", other, err.getMessage()));
    }
  }

  /**
   * This node merged back after being cut off. The others removed its registrations when they saw
   * it leave, and it removed theirs: it puts its own back (in the registry and on every node). Each
   * agent it activated on its own while cut off and that another node has claimed since (the
   * agent state's record names that node: the larger side's record survives Hazelcast's merge) is
   * a duplicate: it stops without saving, so exactly one instance and one state survive.
   */
  private void healAfterMerge() {
    if (closed || registry == null) {
      return;
    }
    LOG.info("merged back into the cluster: publishing this node's agent types again and resolving duplicate agents");
    for (AgentId id : new ArrayList<>(deployments.keySet())) {
      stateStore.load(id).onSuccess(record -> {
        String host = record == null ? null : record.getString("node");
        if (host != null && !host.equals(me)) {
          duplicateFound(id, host, true);
        }
      });
    }
    factories.forEach((type, r) -> {
      JsonObject op = registerOp(type, r.options());
      registry.put("type:" + type + "@" + me, op).compose(v -> broadcast(op))
          .onFailure(err -> LOG.warn("could not publish agent type {} again after the merge: {}", type, err.getMessage()));
    });
    for (String other : liveNodes()) {
      if (!other.equals(me)) {
        syncTo(other);
      }
    }
  }

  /**
   * An activation here is a duplicate: {@code claimedBy} holds the agent's record. It is counted,
   * and stopped without saving when it still runs.
   */
  void duplicateFound(AgentId id, String claimedBy, boolean stillRunning) {
    duplicates.increment();
    LOG.warn("agent {} was also activated on node {}, which holds its record; this node's copy is discarded "
        + "(its state since then is lost)", id, claimedBy);
    if (stillRunning) {
      Activation a = hosts.get(id);
      AgentHost h = a == null ? null : a.startedHost();
      if (h != null) {
        h.discard();
      }
      context.runOnContext(v -> release(id));
    }
  }

  // --- placement --------------------------------------------------------------------------------

  @Override
  public String ownerOf(AgentId id) {
    return owner(id);
  }

  /** @return the node owning {@code id}, or null when no live node may host its type */
  String owner(AgentId id) {
    String cached = owners.get(id);
    if (cached != null) {
      return cached;
    }
    Map<String, JsonObject> regs = directory.registrations(id.type());
    List<String> candidates = new ArrayList<>(regs.size());
    Map<String, NodeInfo> infos = null;
    for (Map.Entry<String, JsonObject> r : regs.entrySet()) {
      if (!node.trusted(r.getKey())) {
        continue; // a member that cannot prove the cluster secret is never placed on
      }
      JsonObject required = r.getValue().getJsonObject("requiredLabels", new JsonObject());
      if (required.isEmpty()) {
        candidates.add(r.getKey());
        continue;
      }
      if (infos == null) {
        infos = new java.util.HashMap<>();
        for (NodeInfo i : node.knownMembers()) {
          infos.put(i.id(), i);
        }
      }
      NodeInfo info = infos.get(r.getKey());
      Map<String, String> req = new java.util.HashMap<>();
      required.forEach(x -> req.put(x.getKey(), String.valueOf(x.getValue())));
      if (info != null && info.hasLabels(req)) {
        candidates.add(r.getKey());
      }
    }
    String owner = Placement.owner(id, candidates);
    if (owner != null && owners.size() < OWNER_CACHE_MAX) {
      // bounded: agent keys may come from outside (an HTTP API); past the bound owners are recomputed
      owners.put(id, owner);
    }
    return owner;
  }

  // --- sending ----------------------------------------------------------------------------------

  @Override
  public <R> Future<R> send(Object message, AgentId recipient, AgentId sender, Class<R> replyType, long timeoutMillis) {
    if (closed) {
      return Future.failedFuture(closedError());
    }
    if (message == null || recipient == null) {
      return Future.failedFuture(new IllegalArgumentException("message and recipient are required"));
    }
    String payloadType;
    try {
      payloadTypes.check(message);
      payloadType = payloadTypes.nameOf(message);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (!directory.knowsType(recipient.type())) {
      return Future.failedFuture(new UnknownAgentTypeException(recipient.type()));
    }
    String owner = owner(recipient);
    if (owner == null) {
      return Future.failedFuture(new AgentRpcException("no live node may host agent type '" + recipient.type()
          + "' (check the required labels of its registrations)"));
    }
    long timeout = timeoutMillis < 0 ? options.getSendTimeoutMillis() : timeoutMillis;
    io.opentelemetry.api.trace.Span span = tracing.enabled() ? tracing.send(recipient, sender, payloadType) : null;
    Envelope e = new Envelope(Envelope.Kind.SEND, MessageIds.next(), sender, recipient, null,
        payloadType, message, null, span == null ? Map.of() : RuntimeTracing.inject(span, Map.of()), 0).withTimeout(timeout);
    sent.increment();
    long t0 = System.nanoTime();
    Future<Reply> reply = owner.equals(me)
        ? deliverLocal(e).map(r -> new Reply(r, null, null)).timeout(timeout, TimeUnit.MILLISECONDS)
        : remote(owner, e, timeout);
    return reply.transform(ar -> {
      rpcTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      if (span != null) {
        RuntimeTracing.end(span, ar.failed() ? ar.cause() : null);
      }
      if (ar.failed()) {
        return Future.failedFuture(rpcError(recipient, timeout, ar.cause()));
      }
      try {
        return Future.succeededFuture(ar.result().as(replyType, payloadTypes));
      } catch (RuntimeException ex) {
        return Future.failedFuture(ex);
      }
    });
  }

  /** A reply payload: the object (local) or type name and JSON (remote). */
  private record Reply(Object payload, String type, Buffer json) {
    @SuppressWarnings("unchecked")
    <R> R as(Class<R> target, PayloadTypes types) {
      if (payload == null && json == null) {
        return null;
      }
      if (payload != null && target.isInstance(payload)) {
        return (R) payload;
      }
      if (payload != null) {
        return types.convert(type != null ? type : types.nameOf(payload), payload, null, target);
      }
      if (target == Object.class && PayloadTypes.isBytes(json)) {
        return (R) types.decode(type, json, io.agentbus.agent.BytesPayload.class);
      }
      if (target == Object.class) {
        Class<?> known = types.classOf(type);
        return (R) (known != null ? types.decode(type, json, known) : new JsonPayload(type, new JsonObject(json)));
      }
      return types.decode(type, json, target);
    }
  }

  private Future<Reply> remote(String owner, Envelope e, long timeout) {
    Envelope wire;
    try {
      wire = e.payloadJson != null ? e : e.withJson(encodeForWire(e.payloadType, e.payload));
    } catch (RuntimeException ex) {
      return Future.failedFuture(ex);
    }
    return awaitingReplyFrom.track(owner, eventBus.<Object>request(inboxAddress(owner), wire,
        new DeliveryOptions().setSendTimeout(timeout))).map(m -> {
          Envelope r = (Envelope) m.body();
          return new Reply(r.payload, r.payloadType, r.payloadJson);
        });
  }

  /** Fails every request waiting for {@code node}, which left: nobody will answer them. */
  private void failRequestsTo(String node) {
    awaitingReplyFrom.failAll(node::equals, n -> new AgentUnavailableException("node " + n + " left the cluster while a "
        + "request to it was in flight (it may or may not have been handled); a retry goes to the agent's new owner"));
  }


  /** Encodes a payload for another node, refusing one over the size limit with a clear error. */
  private Buffer encodeForWire(String type, Object payload) {
    Buffer b = payloadTypes.encode(payload);
    if (b.length() > options.getMaxPayloadBytes()) {
      throw new IllegalArgumentException("payload of type '" + type + "' is " + b.length() + " bytes, more than the limit of "
          + options.getMaxPayloadBytes() + " bytes (AgentRuntimeOptions.maxPayloadBytes)");
    }
    return b;
  }

  private Throwable rpcError(AgentId recipient, long timeout, Throwable err) {
    if (err instanceof AgentRpcException) {
      return err;
    }
    if (err instanceof TimeoutException || (err instanceof ReplyException
        && ((ReplyException) err).failureType() == ReplyFailure.TIMEOUT)) {
      return new AgentTimeoutException(recipient, timeout);
    }
    if (err instanceof ReplyException && ((ReplyException) err).failureType() == ReplyFailure.RECIPIENT_FAILURE
        && ((ReplyException) err).failureCode() == AgentCapacityException.FAILURE_CODE) {
      return new AgentCapacityException(err.getMessage());
    }
    if (err instanceof ReplyException && ((ReplyException) err).failureType() == ReplyFailure.RECIPIENT_FAILURE
        && ((ReplyException) err).failureCode() == AgentUnavailableException.FAILURE_CODE) {
      return new AgentUnavailableException(err.getMessage());
    }
    if (isNoHandlers(err)) {
      return new AgentRpcException("the node owning " + recipient + " has no running agent runtime (it is stopping or gone)",
          io.agentbus.error.ErrorCode.UNAVAILABLE);
    }
    return new AgentRpcException(err.getMessage() != null ? err.getMessage() : err.toString(), io.agentbus.error.ErrorCode.of(err));
  }

  @Override
  public Future<Void> publish(Object message, TopicId topic, AgentId sender, String messageId, Map<String, String> metadata) {
    if (closed) {
      return Future.failedFuture(closedError());
    }
    if (message == null || topic == null) {
      return Future.failedFuture(new IllegalArgumentException("message and topic are required"));
    }
    if ((messageId != null && (messageId.isEmpty() || messageId.length() > 255)) || metadata == null || metadata.size() > 64) {
      return Future.failedFuture(new IllegalArgumentException("a message id has 1..255 characters and metadata at most 64 entries"));
    }
    String payloadType;
    try {
      payloadTypes.check(message);
      payloadType = payloadTypes.nameOf(message);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Set<AgentId> recipients = new LinkedHashSet<>();
    for (Subscription s : directory.subscriptions()) {
      if (s.matches(topic)) {
        AgentId id = s.mapToAgent(topic);
        if (!id.equals(sender)) {
          recipients.add(id);
        }
      }
    }
    io.opentelemetry.api.trace.Span span = tracing.enabled() ? tracing.publish(topic, sender, payloadType, metadata) : null;
    if (span != null) {
      metadata = RuntimeTracing.inject(span, metadata);
      span.end();  // a publish does not wait for its receivers: their spans link back through the context
    }
    Envelope e = new Envelope(Envelope.Kind.PUBLISH, messageId != null ? messageId : MessageIds.next(), sender, null, topic,
        payloadType, message, null, metadata.isEmpty() ? Map.of() : Map.copyOf(metadata), 0);
    List<AgentId> local = new ArrayList<>();
    Map<String, List<AgentId>> remote = new java.util.LinkedHashMap<>();
    for (AgentId id : recipients) {
      String owner = owner(id);
      if (owner == null) {
        LOG.debug("published {} has no live host for {}", e.messageId, id);
      } else if (owner.equals(me)) {
        local.add(id);
      } else {
        remote.computeIfAbsent(owner, o -> new ArrayList<>()).add(id);
      }
    }
    // all or nothing: a payload too large for the wire is refused before anyone gets it
    Envelope wire = null;
    if (!remote.isEmpty()) {
      try {
        wire = e.withJson(encodeForWire(e.payloadType, message));
      } catch (RuntimeException ex) {
        return Future.failedFuture(ex);
      }
    }
    published.increment();
    for (AgentId id : local) {
      deliverLocal(e.to(id)).onFailure(err -> LOG.debug("published message to {} failed: {}", id, err.getMessage()));
    }
    for (Map.Entry<String, List<AgentId>> r : remote.entrySet()) {
      // one frame per node, however many of its agents subscribe
      eventBus.send(inboxAddress(r.getKey()), r.getValue().size() == 1 ? wire.to(r.getValue().get(0)) : wire.toAll(r.getValue()));
    }
    return Future.succeededFuture();
  }

  // --- receiving --------------------------------------------------------------------------------

  private void onInbox(Message<Object> m) {
    if (!(m.body() instanceof Envelope)) {
      String reason = m.body() instanceof CorruptFrame ? ((CorruptFrame) m.body()).reason() : "unexpected body";
      malformed.increment();
      LOG.warn("dropped a malformed agent envelope: {}", reason);
      if (m.replyAddress() != null) {
        m.fail(400, "malformed envelope: " + reason);
      }
      return;
    }
    Envelope e = (Envelope) m.body();
    if (!e.recipients.isEmpty()) {
      for (AgentId id : e.recipients) {
        deliverLocal(e.to(id)).onFailure(err -> LOG.debug("published message to {} failed: {}", id, err.getMessage()));
      }
      return;
    }
    deliverLocal(e).onComplete(ar -> {
      if (e.kind != Envelope.Kind.SEND || m.replyAddress() == null) {
        if (ar.failed()) {
          LOG.debug("published message to {} failed: {}", e.recipient, ar.cause().getMessage());
        }
        return;
      }
      if (ar.failed()) {
        // the failure's code travels with it (capacity 429, unavailable 503, ... see ErrorCode)
        m.fail(io.agentbus.error.ErrorCode.of(ar.cause()).wireCode(),
            ar.cause().getMessage() != null ? ar.cause().getMessage() : ar.cause().toString());
        return;
      }
      try {
        Object r = ar.result();
        String type = r == null ? null : payloadTypes.nameOf(r);
        Envelope reply = e.fromWire() && r != null
            ? new Envelope(Envelope.Kind.REPLY, e.messageId, e.recipient, e.sender, null, type, null,
                encodeForWire(type, r), Map.of(), 0)
            : new Envelope(Envelope.Kind.REPLY, e.messageId, e.recipient, e.sender, null, type, r, null, Map.of(), 0);
        m.reply(reply);
      } catch (RuntimeException ex) {
        m.fail(500, "agent " + e.recipient + " replied with a payload that cannot be sent: " + ex.getMessage());
      }
    });
  }

  /** Delivers to an agent hosted here (activating it), or forwards to its owner if this view says so. */
  private Future<Object> deliverLocal(Envelope e) {
    if (closed) {
      return Future.failedFuture(closedError());
    }
    Registered r = factories.get(e.recipient.type());
    String owner = owner(e.recipient);
    if (owner != null && !owner.equals(me) && e.hops < MAX_HOPS) {
      // this node's view differs from the caller's: pass the send on, waiting as long as the caller
      // does, and hand back the reply as an object (a reply that crossed the wire carries JSON)
      long timeout = e.timeoutMillis > 0 ? e.timeoutMillis : options.getSendTimeoutMillis();
      return remote(owner, e.forwarded(), timeout).map(reply -> reply.as(Object.class, payloadTypes));
    }
    if (r == null) {
      return Future.failedFuture(new AgentRpcException("agent type '" + e.recipient.type()
          + "' is not registered on node " + me));
    }
    inflight.incrementAndGet();
    if (r.options().inline()) {
      return inlineAgent(e.recipient, r).dispatch(e).onComplete(ar -> inflight.decrementAndGet());
    }
    Activation activation;
    try {
      activation = activation(e.recipient, r);
    } catch (AgentCapacityException ex) {
      inflight.decrementAndGet();
      return Future.failedFuture(ex);
    }
    return activation.dispatch(e)
        .map(reply -> reply == null ? null : payloadTypes.check(reply)).recover(err -> Future.failedFuture(
        err instanceof AgentCapacityException || err instanceof AgentUnavailableException ? err : new AgentRpcException("agent " + e.recipient + " failed on " + e.payloadType + ": "
            + (err.getMessage() != null ? err.getMessage() : err.toString()), io.agentbus.error.ErrorCode.of(err))))
        .onComplete(ar -> inflight.decrementAndGet());
  }

  private long activeOfType(String type) {
    long n = 0;
    for (AgentId id : hosts.keySet()) {
      if (id.type().equals(type)) {
        n++;
      }
    }
    return n;
  }

  private InlineAgent inlineAgent(AgentId id, Registered r) {
    InlineAgent a = inlineAgents.get(id);
    return a != null ? a : inlineAgents.computeIfAbsent(id, k -> new InlineAgent(k, r.factory().create(k), this));
  }

  /**
   * @return the activation of {@code id} here, created (and its agent started) when there is none;
   *     it takes messages at once, and hands them to the agent in order once it has started
   * @throws AgentCapacityException when its type already has {@code maxActive} agents here
   */
  private Activation activation(AgentId id, Registered r) {
    Activation existing = hosts.get(id);
    if (existing != null) {
      return existing;
    }
    if (r.options().maxActive() > 0 && activeOfType(id.type()) >= r.options().maxActive()) {
      throw new AgentCapacityException("node " + me + " already hosts " + r.options().maxActive()
          + " active agents of type '" + id.type() + "' (its maxActive); " + id + " was not activated, retry later");
    }
    Activation activation = new Activation();
    existing = hosts.putIfAbsent(id, activation);
    if (existing != null) {
      return existing;
    }
    AgentHost h;
    try {
      h = new AgentHost(id, r.factory().create(id), this, r.options());
    } catch (RuntimeException ex) {
      hosts.remove(id, activation);
      activation.failed(new AgentRpcException("factory of agent type '" + id.type() + "' failed: " + ex.getMessage()));
      return activation;
    }
    // re-activated only once the previous activation has saved its state
    Future<Void> beingReleased = releasing.get(id);
    (beingReleased != null ? beingReleased : Future.<Void>succeededFuture())
        .compose(v -> vertx.deployVerticle(h))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            deployments.put(id, ar.result());
            activation.started(h);
          } else {
            hosts.remove(id, activation);
            activation.failed(ar.cause());
          }
        });
    return activation;
  }

  // --- lifecycle --------------------------------------------------------------------------------

  void activated(AgentId id, String previousNode) {
    LifecycleEvent.Type t = previousNode != null && !previousNode.equals(me) ? LifecycleEvent.Type.MOVED
        : LifecycleEvent.Type.ACTIVATED;
    eventBus.publish(lifecycleAddress(), new LifecycleEvent(t, id, me, t == LifecycleEvent.Type.MOVED ? previousNode : null,
        System.currentTimeMillis()).toJson());
  }

  void deactivated(AgentId id) {
    eventBus.publish(lifecycleAddress(), new LifecycleEvent(LifecycleEvent.Type.DEACTIVATED, id, me, null,
        System.currentTimeMillis()).toJson());
  }

  @Override
  public AutoCloseable onLifecycle(Handler<LifecycleEvent> handler) {
    MessageConsumer<JsonObject> c = eventBus.consumer(lifecycleAddress(), m -> handler.handle(LifecycleEvent.fromJson(m.body())));
    return () -> c.unregister();
  }

  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    List<Future<?>> withdrawn = new ArrayList<>();
    // agents here move to the nodes that own them once this node's types are withdrawn
    for (String type : factories.keySet()) {
      JsonObject op = new JsonObject().put("op", Directory.UNREGISTER).put("type", type).put("node", me);
      withdrawn.add(registry.remove("type:" + type + "@" + me).compose(v -> broadcast(op)));
    }
    long[] deadline = {0};
    return Future.join(withdrawn).eventually(() -> {
      closed = true;
      deadline[0] = System.currentTimeMillis() + options.getDrainTimeoutMillis();
      return drain(deadline[0]);
    }).transform(v -> {
      // every agent here stops, saving its state; including those the withdrawal already set moving
      // (their new owner reads the state as soon as this runtime says it has closed)
      List<Future<?>> stops = new ArrayList<>(releasing.values());
      for (AgentId id : new ArrayList<>(deployments.keySet())) {
        stops.add(release(id, deadline[0]));  // one drain timeout in all, not one more per agent
      }
      // agents stopped and their state saved: tell the others before this runtime stops answering
      // (a release request to it after that would be dropped, not refused, by the event bus)
      return Future.join(stops).otherwiseEmpty()
          .compose(x -> broadcast(new JsonObject().put("op", Directory.RUNTIME_CLOSED).put("node", me)).otherwiseEmpty())
          .compose(x -> {
            List<Future<?>> unregistered = new ArrayList<>();
            consumers.forEach(c -> unregistered.add(c.unregister()));
            try {
              membership.close();
            } catch (Exception ignored) {
              // nothing to release
            }
            return Future.join(unregistered).<Void>mapEmpty().otherwiseEmpty();
          });
    });
  }

  private Future<Void> drain(long deadline) {
    if (inflight.get() == 0 || System.currentTimeMillis() > deadline) {
      if (inflight.get() > 0) {
        LOG.warn("closing with {} messages still in flight after the drain timeout", inflight.get());
      }
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    vertx.setTimer(20, id -> drain(deadline).onComplete(p));
    return p.future();
  }

  // --- accessors --------------------------------------------------------------------------------

  @Override
  public PayloadTypes payloadTypes() {
    return payloadTypes;
  }

  @Override
  public Set<AgentId> localAgents() {
    return Set.copyOf(deployments.keySet());
  }

  @Override
  public List<io.agentbus.agent.AgentStats> localAgentStats() {
    List<io.agentbus.agent.AgentStats> out = new ArrayList<>();
    hosts.values().forEach(a -> {
      AgentHost h = a.startedHost();
      if (h != null) {
        out.add(h.stats());
      }
    });
    inlineAgents.values().forEach(a -> out.add(a.stats()));
    return out;
  }

  @Override
  public Node node() {
    return node;
  }

  String nodeId() {
    return me;
  }

  /** @return the default send timeout: a handler still running after it has no caller left waiting */
  long sendTimeoutMillis() {
    return options.getSendTimeoutMillis();
  }

  StateStore stateStore() {
    return stateStore;
  }

  /** The cluster manager's view: includes members whose node info has not arrived yet. */
  private Set<String> liveNodes() {
    Set<String> live = new java.util.HashSet<>(node.memberIds());
    live.add(me);
    return live;
  }

  String inboxAddress(String nodeId) {
    return prefix + nodeId + "/inbox";
  }

  private String lifecycleAddress() {
    return prefix + "lifecycle";
  }

  private IllegalStateException closedError() {
    return new IllegalStateException("agent runtime on node " + me + " is closed");
  }

  private static boolean isNoHandlers(Throwable err) {
    return err instanceof ReplyException && ((ReplyException) err).failureType() == ReplyFailure.NO_HANDLERS;
  }
}
