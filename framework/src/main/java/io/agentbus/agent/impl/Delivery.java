package io.agentbus.agent.impl;

import io.agentbus.agent.AgentCapacityException;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRpcException;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.AgentUnavailableException;
import io.agentbus.agent.PayloadTypes;
import io.agentbus.agent.TopicId;
import io.agentbus.agent.UnknownAgentTypeException;
import io.agentbus.cluster.impl.RequestsInFlight;
import io.agentbus.error.ErrorCode;
import io.agentbus.message.impl.CorruptFrame;
import io.agentbus.message.impl.FrameBatch;
import io.agentbus.message.impl.FrameCoalescer;
import io.agentbus.error.ThrottledWarning;
import io.agentbus.message.MessageIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Routing and delivery: a send goes to its agent's owner (this node, or the owner's inbox: from an
 * event loop as a call in that turn's frame to the node, answered on its own ({@link Calls}); from
 * any other thread one event-bus request, its reply correlated by the event bus; either way failed
 * at once when that node leaves); a publish goes to every subscribed agent, one envelope per
 * owning node however many of its agents subscribe, and the publishes and calls an event loop
 * makes to one node within a turn as one frame ({@link FrameCoalescer}, in the order they were
 * made). Envelopes arriving in this node's inbox, alone or in a batch, are delivered to the agents
 * here, or passed on (at most twice) when this node's view says another node owns the agent.
 *
 * <p>Payloads cross the wire as JSON, checked against the size limit before anything is sent
 * (a publish is all or nothing). Handler failures keep their {@link ErrorCode} across nodes.
 *
 * <p>Threads: send and publish run on the caller's thread; the inbox on the runtime's context;
 * replies complete on the context that sent.
 */
final class Delivery {

  private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
  private static final int MAX_HOPS = 2;
  /** The most one-way envelopes one frame to a node carries. */
  static final int MAX_BATCH_ENVELOPES = 128;
  /** A frame of one-way envelopes is sent once their payloads reach this many bytes. */
  static final long MAX_BATCH_BYTES = 64 * 1024;
  /** What an envelope's frame holds besides its payload and recipients, about. */
  private static final long ENVELOPE_OVERHEAD_BYTES = 96;

  private final EventBus eventBus;
  private final String me;
  private final RuntimeAddresses addresses;
  private final AgentRuntimeOptions options;
  private final PayloadTypes payloadTypes;
  private final Directory directory;
  private final Ownership ownership;
  private final Activations activations;
  private final RuntimeTracing tracing;
  private final BooleanSupplier closed;
  /** Messages handed to agents here whose handler has not completed (added to and taken from on different threads). */
  private final LongAdder inflight = new LongAdder();
  /** Told when a one-way delivery's handler completed: one instance, not one per message. */
  private final Activation.OneWayDone oneWayDone = this::oneWayFinished;
  /** Requests waiting for a reply from each node: failed at once when that node leaves. */
  private final RequestsInFlight<String> awaitingReplyFrom = new RequestsInFlight<>();
  private final PublishRoutes routes;
  /** Publishes and calls to other nodes: those one event loop makes to one node in a turn go as one frame. */
  private final FrameCoalescer<Envelope> toNodes;
  /** The answers to calls that came in batches: those one event loop sends to one node in a turn go as one frame. */
  private final FrameCoalescer<Answer> toCallers;
  private final Calls calls;
  private final Counter sent;
  private final Counter published;
  private final Timer rpcTimer;
  private final Counter malformed;
  /** Malformed envelopes come from outside: one line per 10 s however many (each is counted). */
  private final ThrottledWarning malformedWarning = new ThrottledWarning(LOG);

  Delivery(Vertx vertx, String me, RuntimeAddresses addresses, AgentRuntimeOptions options,
      PayloadTypes payloadTypes, Directory directory, Ownership ownership, Activations activations, RuntimeTracing tracing,
      BooleanSupplier closed) {
    this.eventBus = vertx.eventBus();
    this.me = me;
    this.addresses = addresses;
    this.options = options;
    this.payloadTypes = payloadTypes;
    this.directory = directory;
    this.ownership = ownership;
    this.activations = activations;
    this.tracing = tracing;
    this.closed = closed;
    this.routes = new PublishRoutes(me, addresses, directory, ownership);
    this.toNodes = new FrameCoalescer<>(eventBus, EnvelopeCodec.BATCH, MAX_BATCH_ENVELOPES, MAX_BATCH_BYTES);
    this.toCallers = new FrameCoalescer<>(eventBus, AnswerCodec.BATCH, MAX_BATCH_ENVELOPES, MAX_BATCH_BYTES);
    MeterRegistry meters = options.getMeterRegistry();
    String messagesHelp = "agent messages sent (kind=send: RPCs) and published (kind=publish) from this node";
    this.sent = Counter.builder("agentbus.agent.messages").description(messagesHelp).tag("kind", "send").register(meters);
    this.published = Counter.builder("agentbus.agent.messages").description(messagesHelp).tag("kind", "publish").register(meters);
    this.malformed = Counter.builder("agentbus.agent.dropped").description("agent envelopes dropped, per reason")
        .tag("reason", "malformed").register(meters);
    this.calls = new Calls(vertx, me, addresses, toNodes, malformed, meters);
    this.rpcTimer = Timer.builder("agentbus.agent.rpc").description("agent RPC round trips, from send to reply or error")
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10))
        .register(meters);
  }

  /** @return the calls of this node's agents waiting for an answer from another node */
  Calls calls() {
    return calls;
  }

  /** @return the messages being handled by agents here */
  int inflight() {
    return inflight.intValue();
  }

  // --- sending ----------------------------------------------------------------------------------

  /** @see io.agentbus.agent.AgentRuntime#send(Object, AgentId, AgentId, Class, long) */
  <R> Future<R> send(Object message, AgentId recipient, AgentId sender, Class<R> replyType, long timeoutMillis) {
    if (closed.getAsBoolean()) {
      return Future.failedFuture(closedError(me));
    }
    if (message == null || recipient == null) {
      return Future.failedFuture(new IllegalArgumentException("message and recipient are required"));
    }
    String payloadType;
    try {
      payloadType = typeName(message);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (!directory.knowsType(recipient.type())) {
      return Future.failedFuture(new UnknownAgentTypeException(recipient.type()));
    }
    String owner = ownership.owner(recipient);
    if (owner == null) {
      return Future.failedFuture(new AgentRpcException("no live node may host agent type '" + recipient.type()
          + "' (check the required labels and node requirements of its registrations against what the nodes announce)"));
    }
    long timeout = timeoutMillis < 0 ? options.getSendTimeoutMillis() : timeoutMillis;
    Span span = tracing.enabled() ? tracing.send(recipient, sender, payloadType) : null;
    Envelope e = new Envelope(Envelope.Kind.SEND, MessageIds.next(), sender, recipient, null,
        payloadType, message, null, span == null ? Map.of() : RuntimeTracing.inject(span, Map.of()), 0).withTimeout(timeout);
    sent.increment();
    long t0 = System.nanoTime();
    Future<Reply> reply = owner.equals(me)
        ? deliverHere(e).map(r -> new Reply(r, null, null)).timeout(timeout, TimeUnit.MILLISECONDS)
        : remote(owner, e, timeout);
    return reply.transform(ar -> {
      rpcTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      if (span != null) {
        RuntimeTracing.end(span, ar.failed() ? ar.cause() : null);
      }
      if (ar.failed()) {
        return Future.failedFuture(RpcErrors.of(recipient, timeout, ar.cause()));
      }
      try {
        return Future.succeededFuture(ar.result().as(replyType, payloadTypes));
      } catch (RuntimeException ex) {
        return Future.failedFuture(ex);
      }
    });
  }

  private Future<Reply> remote(String owner, Envelope e, long timeout) {
    Envelope wire;
    try {
      wire = e.payloadJson != null ? e : e.withJson(encodeForWire(e.payloadType, e.payload));
    } catch (RuntimeException ex) {
      return Future.failedFuture(ex);
    }
    if (Context.isOnEventLoopThread()) {
      // in this turn's frame to that node, behind the publishes made before it (Calls)
      return calls.call(owner, wire, wire.payloadJson.length() + ENVELOPE_OVERHEAD_BYTES, timeout);
    }
    return awaitingReplyFrom.track(owner, eventBus.<Object>request(addresses.inbox(owner), wire,
        new DeliveryOptions().setSendTimeout(timeout))).map(m -> {
          Envelope r = (Envelope) m.body();
          return new Reply(r.payload, r.payloadType, r.payloadJson);
        });
  }

  /** Fails every request waiting for {@code node}, which left: nobody will answer them. */
  void nodeLeft(String node) {
    Function<String, Throwable> why = n -> new AgentUnavailableException("node " + n + " left the "
        + "cluster while a request to it was in flight (it may or may not have been handled); a retry goes to the agent's new owner");
    awaitingReplyFrom.failAll(node::equals, why);
    calls.nodeLeft(node, why);
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

  /** @see io.agentbus.agent.AgentRuntime#publish(Object, TopicId, AgentId, String, Map) */
  Future<Void> publish(Object message, TopicId topic, AgentId sender, String messageId, Map<String, String> metadata) {
    if (closed.getAsBoolean()) {
      return Future.failedFuture(closedError(me));
    }
    if (message == null || topic == null) {
      return Future.failedFuture(new IllegalArgumentException("message and topic are required"));
    }
    if ((messageId != null && (messageId.isEmpty() || messageId.length() > 255)) || metadata == null || metadata.size() > 64) {
      return Future.failedFuture(new IllegalArgumentException("a message id has 1..255 characters and metadata at most 64 entries"));
    }
    String payloadType;
    try {
      payloadType = typeName(message);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Span span = tracing.enabled() ? tracing.publish(topic, sender, payloadType, metadata) : null;
    if (span != null) {
      metadata = RuntimeTracing.inject(span, metadata);
      span.end();  // a publish does not wait for its receivers: their spans link back through the context
    }
    Envelope e = new Envelope(Envelope.Kind.PUBLISH, messageId != null ? messageId : MessageIds.next(), sender, null, topic,
        payloadType, message, null, metadata.isEmpty() ? Map.of() : Map.copyOf(metadata), 0);
    PublishRoutes.Route route = routes.route(topic, sender);
    // all or nothing: a payload too large for the wire is refused before anyone gets it
    Envelope wire = null;
    if (!route.remote().isEmpty()) {
      try {
        wire = e.withJson(encodeForWire(e.payloadType, message));
      } catch (RuntimeException ex) {
        return Future.failedFuture(ex);
      }
    }
    published.increment();
    for (AgentId id : route.local()) {
      deliverOneWay(e.to(id));
    }
    long bytes = wire == null ? 0 : wire.payloadJson.length() + ENVELOPE_OVERHEAD_BYTES;
    for (PublishRoutes.Remote r : route.remote()) {
      // one envelope per node, however many of its agents subscribe (and one frame for a turn's publishes to it)
      toNodes.send(r.inbox(), r.agents().size() == 1 ? wire.to(r.agents().get(0)) : wire.toAll(r.agents()),
          bytes + 16L * r.agents().size());
    }
    return Future.succeededFuture();
  }

  // --- receiving --------------------------------------------------------------------------------

  /** Handles an envelope (or a batch of one-way envelopes) that arrived in this node's inbox, replying to a send. */
  void onInbox(Message<Object> m) {
    if (m.body() instanceof FrameBatch batch) {
      if (m.replyAddress() != null) {
        m.reply(null);  // a batch holding calls, accepted as a whole: each call's answer follows on its own
      }
      batch.items().forEach(this::onOneWay);
      return;
    }
    if (!(m.body() instanceof Envelope)) {
      String reason = m.body() instanceof CorruptFrame ? ((CorruptFrame) m.body()).reason() : "unexpected body";
      malformed.increment();
      malformedWarning.warn("dropped a malformed agent envelope: {}", reason);
      if (m.replyAddress() != null) {
        m.fail(400, "malformed envelope: " + reason);
      }
      return;
    }
    Envelope e = (Envelope) m.body();
    if (!e.recipients.isEmpty() || e.kind != Envelope.Kind.SEND || m.replyAddress() == null) {
      onOneWay(e);
      return;
    }
    deliverHere(e).onComplete(ar -> {
      if (ar.failed()) {
        // the failure's code travels with it (capacity 429, unavailable 503, ... see ErrorCode)
        m.fail(ErrorCode.of(ar.cause()).wireCode(), messageOf(ar.cause()));
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
        m.fail(500, unsendable(e, ex));
      }
    });
  }

  /** A call that came in a batch: handled here, its answer sent back on its own to the caller's node ({@link Calls}). */
  private void answer(Envelope e) {
    deliverHere(e).onComplete(ar -> {
      Answer a;
      if (ar.failed()) {
        a = Answer.failed(e.callId, ErrorCode.of(ar.cause()).wireCode(), messageOf(ar.cause()));
      } else {
        try {
          Object r = ar.result();
          String type = r == null ? null : payloadTypes.nameOf(r);
          a = Answer.replied(e.callId, type, r == null ? null : encodeForWire(type, r));
        } catch (RuntimeException ex) {
          a = Answer.failed(e.callId, 500, unsendable(e, ex));
        }
      }
      toCallers.send(addresses.answers(e.replyTo), a, a.bytes());
    });
  }

  private static String messageOf(Throwable t) {
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  private static String unsendable(Envelope e, RuntimeException ex) {
    return "agent " + e.recipient + " replied with a payload that cannot be sent: " + ex.getMessage();
  }

  /** A one-way envelope (a publish, alone or in a batch, or a call in a batch), for one agent here or several. */
  private void onOneWay(Object item) {
    if (!(item instanceof Envelope e) || (e.recipient == null && e.recipients.isEmpty())) {
      malformed.increment();
      malformedWarning.warn("dropped a malformed one-way agent envelope: {}", item instanceof CorruptFrame
          ? ((CorruptFrame) item).reason() : item instanceof Envelope ? "no recipient" : "unexpected item");
      return;
    }
    if (e.isCall()) {
      answer(e);
      return;
    }
    if (!e.recipients.isEmpty()) {
      Envelope shared = decodedOnce(e);
      for (AgentId id : e.recipients) {
        deliverOneWay(shared.to(id));
      }
    } else {
      deliverOneWay(e);
    }
  }

  /**
   * A publish for several agents here is decoded once, not once per agent, when its type is a
   * record this node knows (immutable: shared as a local publish shares it). Otherwise, or when it
   * does not decode, each agent's handler decodes (and reports) it as before.
   */
  private Envelope decodedOnce(Envelope e) {
    if (e.recipients.size() < 2 || e.payload != null || e.payloadJson == null || PayloadTypes.isBytes(e.payloadJson)) {
      return e;
    }
    Class<?> type = payloadTypes.classOf(e.payloadType);
    if (type == null || !type.isRecord()) {
      return e;
    }
    try {
      return e.withDecoded(payloadTypes.decode(e.payloadType, e.payloadJson, type));
    } catch (RuntimeException undecodable) {
      return e;
    }
  }

  /** Delivers to an agent hosted here (activating it), or forwards to its owner if this view says so. */
  private Future<Object> deliverHere(Envelope e) {
    if (closed.getAsBoolean()) {
      return Future.failedFuture(closedError(me));
    }
    Activations.Registered r = activations.registered(e.recipient.type());
    String owner = ownership.owner(e.recipient);
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
    inflight.increment();
    Future<Object> handled = activations.dispatch(e, r);
    if (!r.options().inline()) {
      handled = handled.map(reply -> reply == null ? null : payloadTypes.check(reply)).recover(err -> Future.failedFuture(
          err instanceof AgentCapacityException || err instanceof AgentUnavailableException ? err
              : new AgentRpcException("agent " + e.recipient + " failed on " + e.payloadType + ": "
                  + (err.getMessage() != null ? err.getMessage() : err.toString()), ErrorCode.of(err))));
    }
    return handled.onComplete(ar -> inflight.decrement());
  }

  /**
   * Delivers a one-way envelope (a publish) to an agent hosted here, or forwards it to its owner if
   * this view says so. Nobody waits for it: a failure is logged (at debug), and no future or reply
   * is made for it.
   */
  private void deliverOneWay(Envelope e) {
    if (closed.getAsBoolean()) {
      LOG.debug("published message to {} dropped: the runtime is closed", e.recipient);
      return;
    }
    Activations.Registered r = activations.registered(e.recipient.type());
    String owner = ownership.owner(e.recipient);
    if (owner != null && !owner.equals(me) && e.hops < MAX_HOPS) {
      deliverHere(e).onFailure(err -> LOG.debug("published message to {} failed: {}", e.recipient, err.getMessage()));
      return;
    }
    if (r == null) {
      LOG.debug("published message to {} dropped: its type is not registered on node {}", e.recipient, me);
      return;
    }
    inflight.increment();
    activations.deliver(e, r, oneWayDone);
  }

  private void oneWayFinished(Envelope e, Throwable failure) {
    inflight.decrement();
    if (failure != null && LOG.isDebugEnabled()) {
      LOG.debug("published message to {} failed on {}: {}", e.recipient, e.payloadType,
          failure.getMessage() != null ? failure.getMessage() : failure.toString());
    }
  }

  /** @return the payload's type name; throws when it is not a payload this runtime can carry */
  private String typeName(Object message) {
    payloadTypes.check(message);
    return payloadTypes.nameOf(message);
  }

  static IllegalStateException closedError(String node) {
    return new IllegalStateException("agent runtime on node " + node + " is closed");
  }
}
