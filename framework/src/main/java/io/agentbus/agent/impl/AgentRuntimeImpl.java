package io.agentbus.agent.impl;

import io.agentbus.agent.AgentFactory;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.AgentStats;
import io.agentbus.agent.LifecycleEvent;
import io.agentbus.agent.PayloadTypes;
import io.agentbus.agent.RegistrationOptions;
import io.agentbus.agent.Subscription;
import io.agentbus.agent.TopicId;
import io.agentbus.cluster.MembershipEvent;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.SharedMaps;
import io.agentbus.cluster.ReachableConsumers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageConsumerOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link AgentRuntime} on a node: a facade over its components, each with one job —
 * {@link Registry} (the cluster-wide types and subscriptions, replicated), {@link Ownership}
 * (placement), {@link Activations} (the agents hosted here), {@link Delivery} (routing, the inbox
 * and reply correlation) — and the drain on close. It wires them, registers their event-bus
 * consumers, and hands them membership changes; none of them calls back up into it.
 *
 * <p>Threads: its own context (created with it) takes pushes from other nodes and runs
 * rebalancing; the API may be called from any thread.
 */
public final class AgentRuntimeImpl implements AgentRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(AgentRuntimeImpl.class);
  private static final int INBOX_BUFFER = 65_536;

  private final Node node;
  private final Vertx vertx;
  private final EventBus eventBus;
  private final Context context;
  private final AgentRuntimeOptions options;
  private final String me;
  private final RuntimeAddresses addresses;
  private final PayloadTypes payloadTypes = new PayloadTypes();
  private final Registry registry;
  private final Ownership ownership;
  private final Activations activations;
  private final Delivery delivery;
  private final ReachableConsumers consumers;
  private AutoCloseable membership;
  private volatile boolean closed;

  private AgentRuntimeImpl(Node node, AgentRuntimeOptions options) {
    this.node = node;
    this.vertx = node.vertx();
    this.eventBus = vertx.eventBus();
    this.context = vertx.getOrCreateContext();
    this.options = options;
    this.me = node.id();
    this.addresses = new RuntimeAddresses(options.getNamespace());
    this.consumers = ReachableConsumers.create(vertx, "agent runtime " + me);
    RuntimeTracing tracing = new RuntimeTracing(options.getOpenTelemetry());
    this.registry = new Registry(node, addresses, options.getSendTimeoutMillis(), this::registryChanged);
    this.ownership = new Ownership(node, registry.directory());
    this.activations = new Activations(vertx, context, me, addresses, registry, ownership, payloadTypes, tracing,
        options.getSendTimeoutMillis(), options.getDrainTimeoutMillis(), options.getMeterRegistry());
    this.delivery = new Delivery(vertx, me, addresses, options, payloadTypes, registry.directory(), ownership, activations,
        tracing, () -> closed);
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

  private Future<Void> start() {
    Future<Void> listening = registerConsumers();
    membership = node.onMembershipChange(this::onMembership);
    String ns = options.getNamespace();
    return listening
        .compose(v -> SharedMaps.<String, JsonObject>get(vertx, "agentbus." + ns + ".agent-state"))
        .compose(states -> {
          activations.start(this, new StateStore(states));
          return SharedMaps.<String, JsonObject>get(vertx, "agentbus." + ns + ".agent-registry");
        })
        .compose(registry::load);
  }

  /** Registers the consumers of the components (inbox, directory, release); completes when the cluster knows them. */
  private Future<Void> registerConsumers() {
    ReachableConsumers.Endpoint inbox = consumers.add(() -> {
      MessageConsumer<Object> c = eventBus.consumer(new MessageConsumerOptions().setAddress(addresses.inbox(me))
          .setMaxBufferedMessages(INBOX_BUFFER));
      return c.handler(delivery::onInbox);
    });
    ReachableConsumers.Endpoint answers = consumers.add(() -> eventBus.<Object>consumer(new MessageConsumerOptions()
        .setAddress(addresses.answers(me)).setMaxBufferedMessages(INBOX_BUFFER)).handler(delivery.calls()::onAnswers));
    ReachableConsumers.Endpoint directory = consumers.add(() -> eventBus.consumer(addresses.directory(me), registry::onPushed));
    ReachableConsumers.Endpoint release = consumers.add(() -> eventBus.consumer(addresses.release(me),
        activations::onReleaseRequest));
    return Future.all(inbox.completion(), answers.completion(), directory.completion(), release.completion()).mapEmpty();
  }

  /** The registry changed: placement is recomputed, and agents this node no longer owns move. */
  private void registryChanged() {
    ownership.invalidate();
    context.runOnContext(v -> activations.rebalance());
  }

  private void onMembership(MembershipEvent e) {
    if (e.type() == MembershipEvent.Type.JOINED || e.type() == MembershipEvent.Type.MERGED) {
      vertx.setTimer(1_000, t -> ensureReachable());
    }
    ownership.invalidate();
    switch (e.type()) {
      case MERGED -> healAfterMerge();
      case LEFT -> {
        delivery.nodeLeft(e.nodeId());
        registry.nodeLeft(e.nodeId());
      }
      case JOINED -> {
        registry.joined(e.nodeId());
        context.runOnContext(v -> activations.rebalance());
      }
      case UPDATED -> context.runOnContext(v -> activations.rebalance());  // its capabilities or labels changed
    }
  }

  /**
   * This node merged back after being cut off: it publishes its registrations again and resolves
   * the agents it activated on its own meanwhile (see {@link Activations#resolveDuplicatesAfterMerge}).
   */
  private void healAfterMerge() {
    if (closed) {
      return;
    }
    LOG.info("merged back into the cluster: publishing this node's agent types again and resolving duplicate agents");
    activations.resolveDuplicatesAfterMerge();
    registry.republish();
  }

  /**
   * After the cluster changed, checks that it still knows this runtime's inbox; when it does not
   * (its registration was lost when the cluster re-formed around this node), registers the
   * consumers again and then drops the old ones.
   */
  private void ensureReachable() {
    if (!closed) {
      consumers.verify(addresses.inbox(me));
    }
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
      return Future.failedFuture(Delivery.closedError(me));
    }
    if (!activations.addType(type, factory, regOptions)) {
      return Future.failedFuture(new IllegalStateException("agent type '" + type + "' is already registered on node " + me));
    }
    return registry.announceType(type, regOptions);
  }

  @Override
  public Future<Void> unregister(String type) {
    if (!activations.removeType(type)) {
      return Future.failedFuture(new IllegalArgumentException("agent type '" + type + "' is not registered on node " + me));
    }
    return registry.withdrawType(type).compose(v -> activations.releaseType(type));
  }

  @Override
  public Future<Void> addSubscription(Subscription s) {
    return closed ? Future.failedFuture(Delivery.closedError(me)) : registry.addSubscription(s);
  }

  @Override
  public Future<Void> removeSubscription(String id) {
    return closed ? Future.failedFuture(Delivery.closedError(me)) : registry.removeSubscription(id);
  }

  @Override
  public List<Subscription> subscriptions() {
    return registry.directory().subscriptions();
  }

  @Override
  public String ownerOf(AgentId id) {
    return ownership.owner(id);
  }

  // --- messaging --------------------------------------------------------------------------------

  @Override
  public <R> Future<R> send(Object message, AgentId recipient, AgentId sender, Class<R> replyType, long timeoutMillis) {
    return delivery.send(message, recipient, sender, replyType, timeoutMillis);
  }

  @Override
  public Future<Void> publish(Object message, TopicId topic, AgentId sender, String messageId, Map<String, String> metadata) {
    return delivery.publish(message, topic, sender, messageId, metadata);
  }

  @Override
  public AutoCloseable onLifecycle(Handler<LifecycleEvent> handler) {
    MessageConsumer<JsonObject> c = eventBus.consumer(addresses.lifecycle(), m -> handler.handle(LifecycleEvent.fromJson(m.body())));
    return () -> c.unregister();
  }

  // --- drain ------------------------------------------------------------------------------------

  /**
   * Withdraws this node's types (their agents move to the nodes that own them now), stops taking
   * messages, waits for those being handled, stops every agent here saving its state (all within
   * one drain timeout), tells the others this runtime has closed, and unregisters its consumers.
   */
  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    List<Future<?>> withdrawn = new ArrayList<>();
    for (String type : activations.types()) {
      withdrawn.add(registry.withdrawType(type));
    }
    long[] deadline = {0};
    return Future.join(withdrawn).eventually(() -> {
      closed = true;
      deadline[0] = System.currentTimeMillis() + options.getDrainTimeoutMillis();
      return drain(deadline[0]);
    }).transform(v -> activations.releaseAll(deadline[0])
        // agents stopped and their state saved: tell the others before this runtime stops answering
        // (a release request to it after that would be dropped, not refused, by the event bus)
        .compose(x -> registry.announceClosed().otherwiseEmpty())
        .compose(x -> {
          try {
            membership.close();
          } catch (Exception ignored) {
            // nothing to release
          }
          return consumers.closeAll().otherwiseEmpty();
        })
        // no answer can reach this runtime any more
        .onComplete(x -> delivery.calls().closed(Delivery.closedError(me))));
  }

  /** Completes when no message is being handled here, or at the deadline. */
  private Future<Void> drain(long deadline) {
    if (delivery.inflight() == 0 || System.currentTimeMillis() > deadline) {
      if (delivery.inflight() > 0) {
        LOG.warn("closing with {} messages still in flight after the drain timeout", delivery.inflight());
      }
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    vertx.setTimer(20, id -> drain(deadline).onComplete(p));
    return p.future();
  }

  // --- views ------------------------------------------------------------------------------------

  @Override
  public PayloadTypes payloadTypes() {
    return payloadTypes;
  }

  @Override
  public Set<AgentId> localAgents() {
    return activations.localAgents();
  }

  @Override
  public List<AgentStats> localAgentStats() {
    return activations.stats();
  }

  @Override
  public Node node() {
    return node;
  }
}
