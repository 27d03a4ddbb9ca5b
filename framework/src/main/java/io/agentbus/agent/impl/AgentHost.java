package io.agentbus.agent.impl;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.RegistrationOptions;
import io.agentbus.message.impl.ContextQueue;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * The verticle hosting one agent: every message of the agent runs on this verticle's context, so
 * the agent is single-threaded. Restores the agent's state on start and saves it on stop (and
 * after each message when the registration asks for it).
 */
final class AgentHost extends VerticleBase implements Activation.Target {

  private final AgentId id;
  private final Agent agent;
  private final HostServices services;
  private final io.agentbus.agent.AgentContext agentContext;
  private final RegistrationOptions registration;
  private Handlers handlers;
  /**
   * The messages being handled, by sequence: when each arrived (a handler that never completes must
   * not keep the agent busy forever) and the reply still owed (failed when the agent stops, so such
   * a handler holds no drain).
   */
  private final java.util.Map<Long, Owed> owed = new java.util.concurrent.ConcurrentHashMap<>();

  private static final class Owed {
    final long sinceMillis;
    /** How long its caller waits (0: the runtime's send timeout). */
    final long callerTimeoutMillis;
    /** The reply its caller waits for (null for a one-way message). */
    final Promise<Object> reply;
    /** Logged once as abandoned. */
    volatile boolean reported;

    Owed(long sinceMillis, long callerTimeoutMillis, Promise<Object> reply) {
      this.sinceMillis = sinceMillis;
      this.callerTimeoutMillis = callerTimeoutMillis;
      this.reply = reply;
    }
  }

  /**
   * How long past its caller's timeout a handler still counts as busy: the caller's timer runs on
   * another event loop and must fire first, so that the caller sees its timeout rather than the
   * deactivation that follows.
   */
  private static final long ABANDON_GRACE_MILLIS = 1_000;
  private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();
  /** One-way envelopes handed to this agent (by any deliverer). */
  private final java.util.concurrent.atomic.AtomicLong oneWayHandedOver = new java.util.concurrent.atomic.AtomicLong();
  /** One-way envelopes whose handler has been called (written on this agent's context only). */
  private final java.util.concurrent.atomic.AtomicLong oneWayStarted = new java.util.concurrent.atomic.AtomicLong();
  private final AgentActivity activity;
  /** Set when this activation turned out to be a duplicate: it stops without saving. */
  private volatile boolean discarded;

  /**
   * @param agentContext what the agent is given ({@link Agent#init}), counting its traffic in {@code activity}
   */
  AgentHost(AgentId id, Agent agent, HostServices services, io.agentbus.agent.AgentContext agentContext,
      AgentActivity activity, RegistrationOptions registration) {
    this.id = id;
    this.agent = agent;
    this.services = services;
    this.agentContext = agentContext;
    this.activity = activity;
    this.registration = registration;
  }

  @Override
  public void init(io.vertx.core.Vertx vertx, io.vertx.core.Context context) {
    super.init(vertx, context);
    mailbox = new ContextQueue<>(context, this::run);
  }

  @Override
  public Future<?> start() {
    agent.init(agentContext);
    handlers = agent.handlers();
    handlers.entries().values().forEach(e -> {
      if (e.payloadClass() != io.vertx.core.json.JsonObject.class) {
        services.payloadTypes().register(e.typeName(), e.payloadClass());
      }
    });
    return services.stateStore().load(id).compose(saved -> {
      String previous = saved == null ? null : saved.getString("node");
      // taking over from a live node: it saves the agent's state and lets go first
      return previous == null || previous.equals(services.nodeId()) ? Future.succeededFuture(saved)
          : services.requestRelease(previous, id).compose(v -> services.stateStore().load(id));
    }).compose(saved -> {
      if (saved != null && saved.getJsonObject("state") != null) {
        agent.loadState(saved.getJsonObject("state"));
      }
      services.activated(id, saved == null ? null : saved.getString("node"));
      return services.stateStore().save(id, services.nodeId(), saved == null ? null : saved.getJsonObject("state"));
    }).compose(v -> agent.onStart()).onSuccess(v -> watchIdleness());
  }

  private void watchIdleness() {
    long idle = registration.idleTimeoutMillis();
    if (idle > 0) {
      vertx.setPeriodic(Math.max(10, Math.min(idle / 2, 1_000)), timer -> {
        if (!busy() && System.currentTimeMillis() - activity.lastActivityMillis() >= idle) {
          vertx.cancelTimer(timer);
          services.idle(id);
        }
      });
    }
  }

  @Override
  public Future<?> stop() {
    for (Long seq : new java.util.ArrayList<>(owed.keySet())) {
      Owed o = owed.remove(seq);
      if (o != null && o.reply != null) {
        o.reply.tryFail(new io.agentbus.agent.AgentUnavailableException("agent " + id + " on node " + services.nodeId()
            + " was deactivated before its handler completed"));
      }
    }
    return agent.onStop().transform(ar -> saveIfNeeded(RegistrationOptions.Checkpoint.ON_DEACTIVATE))
        .onComplete(ar -> services.deactivated(id));
  }

  /**
   * @return whether a message is being handled that a caller may still wait for: a handler running
   *     longer than its caller's timeout (and the idle timeout), plus a grace, has no caller left, and
   *     is logged once and no longer counted, so that an agent whose handler never completes still
   *     goes idle
   */
  private boolean busy() {
    long now = System.currentTimeMillis();
    boolean busy = oneWayQueued() > 0;
    for (Owed o : owed.values()) {
      long callerWaits = o.callerTimeoutMillis > 0 ? o.callerTimeoutMillis : services.sendTimeoutMillis();
      long abandonAfter = Math.max(registration.idleTimeoutMillis(), callerWaits) + ABANDON_GRACE_MILLIS;
      if (now - o.sinceMillis < abandonAfter) {
        busy = true;
      } else if (!o.reported) {
        o.reported = true;
        org.slf4j.LoggerFactory.getLogger(AgentHost.class).warn("a handler of agent {} has not completed after {} ms; "
            + "it no longer keeps the agent active", id, now - o.sinceMillis);
      }
    }
    return busy;
  }

  /** Handles one envelope on this agent's context; completes with the reply payload. */
  @Override
  public Future<Object> dispatch(Envelope e) {
    Promise<Object> reply = Promise.promise();
    long seq = sequence.incrementAndGet();
    activity.received();
    owed.put(seq, new Owed(activity.lastActivityMillis(), e.timeoutMillis, reply));
    mailbox.put(new Queued(e, seq, reply, null));
    return reply.future();
  }

  /**
   * Handles a one-way envelope (a publish) on this agent's context: nobody waits for a reply, so
   * none is made. The hand-over costs two counters (one written by the deliverer, one by this
   * context) instead of a promise and an entry in {@link #owed}; only a handler that does not
   * complete at once is entered there (as a handler a caller could wait for is), so that it keeps
   * the agent busy until it completes or is abandoned.
   */
  @Override
  public void deliver(Envelope e, Activation.OneWayDone done) {
    activity.received();
    oneWayHandedOver.incrementAndGet();
    mailbox.put(new Queued(e, 0, null, done));
  }

  /** A message handed to this agent: a request (with the reply its caller waits for) or one-way. */
  private record Queued(Envelope envelope, long seq, Promise<Object> reply, Activation.OneWayDone done) {
  }

  /** This agent's messages, handled on its context in the order they were handed over. */
  private ContextQueue<Queued> mailbox;

  private void run(Queued q) {
    if (q.reply() == null) {
      runOneWay(q.envelope(), q.done());
    } else {
      runRequest(q);
    }
  }

  private void runRequest(Queued q) {
    Future<Object> handled;
    try {
      handled = handle(q.envelope());
    } catch (Throwable unexpected) {  // never out of the drain: the mailbox would stop
      handled = Future.failedFuture(unexpected);
    }
    handled.onComplete(ar -> {
      activity.touched();
      Owed o = owed.remove(q.seq());
      if (o != null) {
        q.reply().handle(ar);
      }
    });
  }

  private void runOneWay(Envelope e, Activation.OneWayDone done) {
    Future<Object> handled;
    try {
      handled = handle(e);
    } catch (Throwable unexpected) {  // never out of the drain: the mailbox would stop
      handled = Future.failedFuture(unexpected);
    } finally {
      oneWayStarted.lazySet(oneWayStarted.get() + 1);  // only this context writes it
    }
    if (handled.isComplete()) {
      activity.touched();
      done.finished(e, handled.cause());
      return;
    }
    long seq = sequence.incrementAndGet();
    owed.put(seq, new Owed(System.currentTimeMillis(), 0, null));
    handled.onComplete(ar -> {
      activity.touched();
      owed.remove(seq);
      done.finished(e, ar.cause());
    });
  }

  /** @return one-way envelopes handed over whose handler has not been called yet */
  private long oneWayQueued() {
    return oneWayHandedOver.get() - oneWayStarted.get();
  }

  /** @return this activation's traffic */
  io.agentbus.agent.AgentStats stats() {
    return activity.stats(id);
  }

  /** @return completes when no message is being handled, or at the deadline (epoch ms) */
  Future<Void> idle(long deadlineMillis) {
    if (!busy() || System.currentTimeMillis() > deadlineMillis) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    vertx.setTimer(10, id -> idle(deadlineMillis).onComplete(p));
    return p.future();
  }

  private Future<Object> handle(Envelope e) {
    RuntimeTracing tracing = services.tracing();
    if (!tracing.enabled()) {
      return invoke(e);
    }
    io.opentelemetry.api.trace.Span span = tracing.process(e, id);
    Future<Object> done;
    try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) {
      done = invoke(e);
    }
    return done.onComplete(ar -> RuntimeTracing.end(span, ar.failed() ? ar.cause() : null));
  }

  private Future<Object> invoke(Envelope e) {
    Future<Object> handled = HandlerInvoker.invoke(id, agent, handlers, e, services.payloadTypes());
    return registration.checkpoint() != RegistrationOptions.Checkpoint.EVERY_MESSAGE ? handled
        : handled.compose(r -> saveIfNeeded(RegistrationOptions.Checkpoint.EVERY_MESSAGE).map(r));
  }

  /** Marks this activation a duplicate: it will stop without saving its state. */
  void discard() {
    discarded = true;
  }

  private Future<Void> saveIfNeeded(RegistrationOptions.Checkpoint when) {
    if (registration.checkpoint() == RegistrationOptions.Checkpoint.NEVER || discarded) {
      return Future.succeededFuture();
    }
    JsonObject state = agent.saveState();
    if (state == null && when == RegistrationOptions.Checkpoint.EVERY_MESSAGE) {
      return Future.succeededFuture();
    }
    return services.stateStore().saveIfHost(id, services.nodeId(), state).map(claimedBy -> {
      if (claimedBy != null && !discarded) {
        discarded = true;
        services.duplicateFound(id, claimedBy, when == RegistrationOptions.Checkpoint.EVERY_MESSAGE);
      }
      return null;
    });
  }
}
