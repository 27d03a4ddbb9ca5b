package io.agentbus.agent.impl;

import io.agentbus.agent.AgentCapacityException;
import io.agentbus.agent.AgentFactory;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRpcException;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentStats;
import io.agentbus.agent.LifecycleEvent;
import io.agentbus.agent.PayloadTypes;
import io.agentbus.agent.RegistrationOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents this node hosts: the types it registered (their factories), and for each agent one
 * activation, started lazily on its first message (a verticle of its own, or {@code inline}),
 * released when it idles, when another node owns it now (rebalance), when its type is withdrawn and
 * when the runtime closes. An agent is activated again only after its previous activation (here or
 * on the node that hosted it) has saved its state; a duplicate (activated on both sides of a
 * partition) stops without saving.
 *
 * <p>Threads: activations are created from the delivering thread (any); releases are started on
 * the runtime's context; the maps are concurrent.
 */
final class Activations implements HostServices {

  private static final Logger LOG = LoggerFactory.getLogger(Activations.class);

  /** A type this node hosts. */
  record Registered(AgentFactory factory, RegistrationOptions options) {
  }

  private final Vertx vertx;
  private final Context context;
  private final String me;
  private final RuntimeAddresses addresses;
  private final Registry registry;
  private final Ownership ownership;
  private final PayloadTypes payloadTypes;
  private final RuntimeTracing tracing;
  private final long sendTimeoutMillis;
  private final long drainTimeoutMillis;
  private final Counter duplicates;
  private final Map<String, Registered> factories = new ConcurrentHashMap<>();
  private final Map<AgentId, Activation<AgentHost>> hosts = new ConcurrentHashMap<>();
  private final Map<AgentId, String> deployments = new ConcurrentHashMap<>();
  private final Map<AgentId, Future<Void>> releasing = new ConcurrentHashMap<>();
  private final Map<AgentId, InlineAgent> inlineAgents = new ConcurrentHashMap<>();
  /** What agents see of the runtime: its API. */
  private AgentRuntime runtime;
  private StateStore stateStore;

  Activations(Vertx vertx, Context context, String me, RuntimeAddresses addresses, Registry registry, Ownership ownership,
      PayloadTypes payloadTypes, RuntimeTracing tracing, long sendTimeoutMillis, long drainTimeoutMillis, MeterRegistry meters) {
    this.vertx = vertx;
    this.context = context;
    this.me = me;
    this.addresses = addresses;
    this.registry = registry;
    this.ownership = ownership;
    this.payloadTypes = payloadTypes;
    this.tracing = tracing;
    this.sendTimeoutMillis = sendTimeoutMillis;
    this.drainTimeoutMillis = drainTimeoutMillis;
    this.duplicates = Counter.builder("agentbus.agent.duplicates")
        .description("agent activations found to be duplicates (another node claimed the agent, e.g. while this one was "
            + "cut off) and stopped without saving their state").register(meters);
  }

  /** Completes the wiring once the runtime and the state map exist (before any agent is activated). */
  void start(AgentRuntime runtime, StateStore stateStore) {
    this.runtime = runtime;
    this.stateStore = stateStore;
  }

  // --- types ------------------------------------------------------------------------------------

  /** @return false when {@code type} is already hosted here */
  boolean addType(String type, AgentFactory factory, RegistrationOptions options) {
    return factories.putIfAbsent(type, new Registered(factory, options)) == null;
  }

  /** @return false when {@code type} is not hosted here */
  boolean removeType(String type) {
    return factories.remove(type) != null;
  }

  /** @return the types hosted here */
  Set<String> types() {
    return Set.copyOf(factories.keySet());
  }

  /** @return the registration of {@code type} here, or null */
  Registered registered(String type) {
    return factories.get(type);
  }

  /** Releases every agent of {@code type} here (its type was withdrawn). */
  Future<Void> releaseType(String type) {
    inlineAgents.keySet().removeIf(id -> id.type().equals(type));
    List<Future<Void>> released = new ArrayList<>();
    for (AgentId id : new ArrayList<>(deployments.keySet())) {
      if (id.type().equals(type)) {
        released.add(release(id));
      }
    }
    return Future.join(released).mapEmpty();
  }

  // --- activation -------------------------------------------------------------------------------

  /**
   * Hands an envelope to the agent it is for, activating it when it has no activation here.
   *
   * @return the handler's reply payload; an {@link AgentCapacityException} when its type already
   *     has {@code maxActive} agents here
   */
  Future<Object> dispatch(Envelope e, Registered r) {
    if (r.options().inline()) {
      try {
        return inlineAgent(e.recipient, r).dispatch(e);
      } catch (RuntimeException ex) {
        return Future.failedFuture(new AgentRpcException("factory of agent type '" + e.recipient.type() + "' failed: "
            + ex.getMessage()));
      }
    }
    Activation<AgentHost> activation;
    try {
      activation = activation(e.recipient, r);
    } catch (AgentCapacityException ex) {
      return Future.failedFuture(ex);
    }
    return activation.dispatch(e);
  }

  /**
   * Hands a one-way envelope (a publish) to the agent it is for, activating it when it has no
   * activation here; no reply is made. {@code done} is told when its handler has completed (with an
   * {@link AgentCapacityException} when its type already has {@code maxActive} agents here).
   */
  void deliver(Envelope e, Registered r, Activation.OneWayDone done) {
    if (r.options().inline()) {
      dispatch(e, r).onComplete(ar -> done.finished(e, ar.cause()));
      return;
    }
    Activation<AgentHost> activation;
    try {
      activation = activation(e.recipient, r);
    } catch (AgentCapacityException ex) {
      done.finished(e, ex);
      return;
    }
    activation.deliver(e, done);
  }

  private InlineAgent inlineAgent(AgentId id, Registered r) {
    InlineAgent a = inlineAgents.get(id);
    return a != null ? a : inlineAgents.computeIfAbsent(id, k -> new InlineAgent(k, r.factory().create(k), payloadTypes,
        new AgentContextImpl(k, runtime, new AgentActivity())));
  }

  /**
   * @return the activation of {@code id} here, created (and its agent started) when there is none;
   *     it takes messages at once, and hands them to the agent in order once it has started
   * @throws AgentCapacityException when its type already has {@code maxActive} agents here
   */
  private Activation<AgentHost> activation(AgentId id, Registered r) {
    Activation<AgentHost> existing = hosts.get(id);
    if (existing != null) {
      return existing;
    }
    if (r.options().maxActive() > 0 && activeOfType(id.type()) >= r.options().maxActive()) {
      throw new AgentCapacityException("node " + me + " already hosts " + r.options().maxActive()
          + " active agents of type '" + id.type() + "' (its maxActive); " + id + " was not activated, retry later");
    }
    Activation<AgentHost> activation = new Activation<>();
    existing = hosts.putIfAbsent(id, activation);
    if (existing != null) {
      return existing;
    }
    AgentHost h;
    try {
      AgentActivity activity = new AgentActivity();
      h = new AgentHost(id, r.factory().create(id), this, new AgentContextImpl(id, runtime, activity), activity, r.options());
    } catch (RuntimeException ex) {
      hosts.remove(id, activation);
      activation.failed(new AgentRpcException("factory of agent type '" + id.type() + "' failed: " + ex.getMessage()));
      return activation;
    }
    // re-activated only once the previous activation has saved its state
    Future<Void> beingReleased = releasing.get(id);
    (beingReleased != null ? beingReleased : Future.<Void>succeededFuture())
        .compose(v -> deployUnowned(h))
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

  private long activeOfType(String type) {
    long n = 0;
    for (AgentId id : hosts.keySet()) {
      if (id.type().equals(type)) {
        n++;
      }
    }
    return n;
  }

  // --- release ----------------------------------------------------------------------------------

  /** Deactivates (saving their state) the local agents this node no longer owns. */
  void rebalance() {
    for (AgentId id : new ArrayList<>(deployments.keySet())) {
      String owner = ownership.owner(id);
      // an agent whose type nobody else hosts stays until this runtime closes
      if (owner != null && !owner.equals(me)) {
        release(id);
      }
    }
  }

  /** Handles another node's request to let one of this node's agents go; answers when it has. */
  void onReleaseRequest(Message<String> m) {
    AgentId id;
    try {
      id = AgentId.parse(m.body());
    } catch (RuntimeException e) {
      m.fail(400, "not an agent id: " + e.getMessage());
      return;
    }
    release(id).onComplete(ar -> m.reply(null));
  }

  /**
   * Deploys an agent's verticle as a deployment of its own. Vert.x makes a verticle deployed from
   * within another verticle that one's child, undeployed with it: an agent activated by a message
   * from another agent (or from an application verticle) would stop when its activator idled or
   * moved, behind the runtime's back. A deployment made from a thread that is not Vert.x's has no
   * parent, so the call is made from {@link #DEPLOYER}; the agent then lives until the runtime
   * releases it.
   */
  private Future<String> deployUnowned(AgentHost h) {
    Promise<String> deployed = Promise.promise();
    try {
      DEPLOYER.execute(() -> vertx.deployVerticle(h).onComplete(deployed));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      deployed.fail(e);
    }
    return deployed.future();
  }

  /** The thread agent verticles are deployed from (a call each: deployVerticle returns at once). */
  private static final java.util.concurrent.Executor DEPLOYER = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "agentbus-agent-deployer");
    t.setDaemon(true);
    return t;
  });

  /**
   * Deactivates a local agent so that another node can take it over: its verticle stops and its
   * state is saved first. Completes at once when the agent is not here.
   */
  Future<Void> release(AgentId id) {
    return release(id, System.currentTimeMillis() + drainTimeoutMillis);
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
    Activation<AgentHost> activation = hosts.remove(id);
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

  /**
   * Stops every agent here, saving its state, within one deadline in all (not one more per agent);
   * including those already moving (their new owner reads the state once this runtime has closed).
   */
  Future<Void> releaseAll(long deadline) {
    List<Future<?>> stops = new ArrayList<>(releasing.values());
    for (AgentId id : new ArrayList<>(deployments.keySet())) {
      stops.add(release(id, deadline));
    }
    return Future.join(stops).<Void>mapEmpty().otherwiseEmpty();
  }

  /**
   * This node merged back after being cut off. Each agent it activated on its own meanwhile and that
   * another node has claimed since (the agent state's record names that node: the larger side's
   * record survives Hazelcast's merge) is a duplicate: it stops without saving, so exactly one
   * instance and one state survive.
   */
  void resolveDuplicatesAfterMerge() {
    if (stateStore == null) {
      return;  // not started: nothing activated yet
    }
    for (AgentId id : new ArrayList<>(deployments.keySet())) {
      stateStore.load(id).onSuccess(record -> {
        String host = record == null ? null : record.getString("node");
        if (host != null && !host.equals(me)) {
          duplicateFound(id, host, true);
        }
      });
    }
  }

  // --- HostServices -----------------------------------------------------------------------------

  @Override
  public Future<Void> requestRelease(String previousNode, AgentId id) {
    if (previousNode.equals(me) || !registry.liveNodes().contains(previousNode)
        || registry.directory().runtimeClosed(previousNode)) {
      // gone, or its runtime closed (agents stopped, state saved): a request would find no
      // handler there and Vert.x drops such a message silently, so the asker would wait out its timeout
      return Future.succeededFuture();
    }
    return vertx.eventBus().request(addresses.release(previousNode), id.toString(),
        new DeliveryOptions().setSendTimeout(sendTimeoutMillis)).<Void>mapEmpty()
        .recover(err -> {
          LOG.warn("node {} did not release {} ({}); activating with its last saved state", previousNode, id, err.getMessage());
          return Future.succeededFuture();
        });
  }

  @Override
  public void duplicateFound(AgentId id, String claimedBy, boolean stillRunning) {
    duplicates.increment();
    LOG.warn("agent {} was also activated on node {}, which holds its record; this node's copy is discarded "
        + "(its state since then is lost)", id, claimedBy);
    if (stillRunning) {
      Activation<AgentHost> a = hosts.get(id);
      AgentHost h = a == null ? null : a.startedHost();
      if (h != null) {
        h.discard();
      }
      context.runOnContext(v -> release(id));
    }
  }

  @Override
  public void activated(AgentId id, String previousNode) {
    LifecycleEvent.Type t = previousNode != null && !previousNode.equals(me) ? LifecycleEvent.Type.MOVED
        : LifecycleEvent.Type.ACTIVATED;
    vertx.eventBus().publish(addresses.lifecycle(), new LifecycleEvent(t, id, me,
        t == LifecycleEvent.Type.MOVED ? previousNode : null, System.currentTimeMillis()).toJson());
  }

  @Override
  public void deactivated(AgentId id) {
    vertx.eventBus().publish(addresses.lifecycle(), new LifecycleEvent(LifecycleEvent.Type.DEACTIVATED, id, me, null,
        System.currentTimeMillis()).toJson());
  }

  @Override
  public void idle(AgentId id) {
    release(id);
  }

  @Override
  public String nodeId() {
    return me;
  }

  @Override
  public PayloadTypes payloadTypes() {
    return payloadTypes;
  }

  @Override
  public StateStore stateStore() {
    return stateStore;
  }

  @Override
  public RuntimeTracing tracing() {
    return tracing;
  }

  @Override
  public long sendTimeoutMillis() {
    return sendTimeoutMillis;
  }

  // --- views ------------------------------------------------------------------------------------

  /** @return the agents running here (started, not inline) */
  Set<AgentId> localAgents() {
    return Set.copyOf(deployments.keySet());
  }

  /** @return the traffic of every agent here, hosted or inline */
  List<AgentStats> stats() {
    List<AgentStats> out = new ArrayList<>();
    hosts.values().forEach(a -> {
      AgentHost h = a.startedHost();
      if (h != null) {
        out.add(h.stats());
      }
    });
    inlineAgents.values().forEach(a -> out.add(a.stats()));
    return out;
  }
}
