package io.agentbus.grpc.impl;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRpcException;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.BytesPayload;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.MessageContext;
import io.agentbus.agent.SaveStateResponse;
import io.agentbus.agent.TopicId;
import io.agentbus.agent.TraceContexts;
import io.agentbus.grpc.AgentRpcHostOptions;
import io.agentbus.grpc.proto.ControlMessage;
import io.agentbus.grpc.proto.LoadStateRequest;
import io.agentbus.grpc.proto.LoadStateResponse;
import io.agentbus.grpc.proto.Message;
import io.agentbus.grpc.proto.RpcRequest;
import io.agentbus.grpc.proto.RpcResponse;
import io.agentbus.grpc.proto.SaveStateRequest;
import io.agentbus.grpc.proto.cloudevents.CloudEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.server.GrpcServerRequest;
import io.agentbus.error.ThrottledWarning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Messages between the runtime and the workers: a worker's RPCs and events go into the runtime
 * (as sends and publishes, its trace context continued); the runtime's messages for a worker's
 * agent go over that worker's stream (RPCs correlated by request id, each with a timeout; events
 * once per event id), state requests over its control channel. What a worker cannot take is
 * refused or dropped and counted, never queued without bound: over the message limit, a full
 * queue ({@code maxQueuedBytesPerWorker}), too many RPCs in flight, a worker away within its
 * reconnect grace period (RPCs wait for it, events are dropped).
 *
 * <p>Threads: the gRPC server's event loops and the callers' contexts; per-worker state is in
 * {@link WorkerConnection} (atomics, {@link PendingReplies}).
 */
final class WorkerRouting {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerRouting.class);
  /** What a worker sends wrong, or a write to it that fails: one line per 10 s each, however many (each is counted). */
  private final ThrottledWarning oversizedEvent = new ThrottledWarning(LOG);
  private final ThrottledWarning unpublished = new ThrottledWarning(LOG);
  private final ThrottledWarning invalidEvent = new ThrottledWarning(LOG);
  private final ThrottledWarning failedWrite = new ThrottledWarning(LOG);
  private static final String DROPPED_HELP = "messages the bridge could not deliver, per reason "
      + "(worker_backpressure, control_undeliverable, worker_reconnecting, too_large, invalid_event)";

  private final AgentRuntime runtime;
  private final AgentRpcHostOptions options;
  private final WorkerDirectory directory;
  private final ControlRouter control;
  private final Counter backpressureDrops;
  private final Counter reconnecting;
  private final Counter tooLarge;
  private final Counter invalidEvents;
  private final AtomicBoolean untypedReplyWarned = new AtomicBoolean();

  WorkerRouting(AgentRuntime runtime, AgentRpcHostOptions options, WorkerDirectory directory) {
    this.runtime = runtime;
    this.options = options;
    this.directory = directory;
    MeterRegistry meters = options.getMeterRegistry();
    this.backpressureDrops = dropped("worker_backpressure", meters);
    this.control = new ControlRouter(runtime.node().vertx(), directory::workerFor, this::answerForCluster,
        dropped("control_undeliverable", meters));
    this.reconnecting = dropped("worker_reconnecting", meters);
    this.tooLarge = dropped("too_large", meters);
    this.invalidEvents = dropped("invalid_event", meters);
  }

  private static Counter dropped(String reason, MeterRegistry meters) {
    return Counter.builder("agentbus.bridge.dropped").description(DROPPED_HELP).tag("reason", reason).register(meters);
  }

  /** A worker opened its control channel (state requests both ways). */
  void openControl(String clientId, GrpcServerRequest<ControlMessage, ControlMessage> req) {
    control.open(clientId, req);
  }

  // --- from a worker ----------------------------------------------------------------------------

  /** Handles one message a worker sent on its stream. */
  void onWorkerMessage(WorkerConnection w, Message m) {
    int size = m.getSerializedSize();
    if (size > options.getMaxMessageBytes()) {
      tooLarge.increment();
      switch (m.getMessageCase()) {
        case REQUEST -> write(w, Message.newBuilder().setResponse(RpcResponse.newBuilder()
            .setRequestId(m.getRequest().getRequestId()).setError(tooLarge(size))).build());
        case RESPONSE -> w.pending.fail(m.getResponse().getRequestId(), new AgentRpcException("worker " + w.clientId
            + " replied with a " + tooLarge(size)));
        default -> oversizedEvent.warn("worker {} sent an event of {} bytes, over the bridge's limit of {}: dropped",
            w.clientId, size, options.getMaxMessageBytes());
      }
      return;
    }
    switch (m.getMessageCase()) {
      case REQUEST -> onRequest(w, m.getRequest());
      case RESPONSE -> {
        if (!w.pending.answer(m.getResponse().getRequestId(), m.getResponse())) {
          LOG.debug("worker {} answered unknown or expired request {}", w.clientId, m.getResponse().getRequestId());
        }
      }
      case CLOUDEVENT -> onEvent(w, m.getCloudEvent());
      default -> LOG.debug("worker {} sent an empty message (a stream opener)", w.clientId);
    }
  }

  private String tooLarge(int bytes) {
    return "message of " + bytes + " bytes is larger than the bridge's limit of " + options.getMaxMessageBytes()
        + " bytes (--grpc-max-message-bytes): refused";
  }

  private void onRequest(WorkerConnection w, RpcRequest r) {
    if (w.sending.incrementAndGet() > options.getMaxInflightRpcsPerWorker()) {
      w.sending.decrementAndGet();
      write(w, Message.newBuilder().setResponse(RpcResponse.newBuilder().setRequestId(r.getRequestId())
          .setError("too many requests in flight from worker " + w.clientId + " (the bridge's maxInflightRpcsPerWorker is "
              + options.getMaxInflightRpcsPerWorker() + ")")).build());
      return;
    }
    Future<Object> reply;
    try {
      AgentId target = Wire.agentId(r.getTarget());
      AgentId source = r.hasSource() ? Wire.agentId(r.getSource()) : null;
      // the worker's trace (AutoGen puts traceparent in the request metadata) continues in the runtime's spans
      try (Scope ignored = TraceContexts.extract(r.getMetadataMap()).makeCurrent()) {
        reply = runtime.send(Wire.payload(r.getPayload()), target, source, Object.class, options.getRpcTimeoutMillis())
            .map(this::foreign);
      }
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    reply.onComplete(ar -> {
      w.sending.decrementAndGet();
      RpcResponse.Builder b = RpcResponse.newBuilder().setRequestId(r.getRequestId());
      if (ar.failed()) {
        b.setError(describe(ar.cause()));
      } else if (ar.result() != null) {
        b.setPayload(Wire.proto(ar.result()));
      }
      write(w, Message.newBuilder().setResponse(b).build());
    });
  }

  private void onEvent(WorkerConnection w, CloudEvent e) {
    try {
      // forwarded, not rebuilt: the publisher's event id and extension attributes (trace context)
      // travel as the message id and metadata every recipient sees
      runtime.publish(Wire.eventPayload(e), new TopicId(e.getType(), e.getSource()), Wire.eventSender(e),
              e.getId().isEmpty() || e.getId().length() > 255 ? null : e.getId(), Wire.extensions(e))
          .onFailure(err -> {
            invalidEvents.increment();
            unpublished.warn("event {} of worker {} was not published: {}", e.getId(), w.clientId, err.getMessage());
          });
    } catch (RuntimeException ex) {
      // AutoGen's protocol has no answer to an event: counted and logged
      invalidEvents.increment();
      invalidEvent.warn("event {} of worker {} is invalid: {}", e.getId(), w.clientId, ex.getMessage());
    }
  }

  /** @return a reply as a worker can take it: bytes and JSON payloads as they are, a JVM record as its JSON */
  private Object foreign(Object reply) {
    if (reply == null || reply instanceof JsonPayload || reply instanceof BytesPayload) {
      return reply;
    }
    if (reply instanceof JsonObject && untypedReplyWarned.compareAndSet(false, true)) {
      LOG.warn("a JVM agent answered a worker with a bare JsonObject: it travels as type 'JsonObject', which a Python"
          + " worker cannot map to a dataclass (it gets UnknownPayload); reply with a record (its name, or @PayloadName,"
          + " is the type) or a JsonPayload naming the type. Logged once.");
    }
    return new JsonPayload(runtime.payloadTypes().nameOf(reply), runtime.payloadTypes().toJson(reply));
  }

  // --- to a worker ------------------------------------------------------------------------------

  /**
   * Delivers a message (a {@link JsonPayload} or a {@link BytesPayload}) for an agent a worker
   * hosts, to the worker {@link WorkerDirectory#workerFor placement} chooses for it.
   */
  Future<Object> forward(AgentId agent, Object payload, MessageContext ctx) {
    return forward(directory.workerFor(agent), agent, payload, ctx);
  }

  private Future<Object> forward(String clientId, AgentId agent, Object payload, MessageContext ctx) {
    WorkerConnection w = clientId == null ? null : directory.get(clientId);
    if (w == null) {
      return Future.failedFuture(new AgentRpcException(clientId == null ? "no worker hosting agent type '" + agent.type()
          + "' is connected" : "worker " + clientId + " hosting " + agent + " is not connected"));
    }
    if (w.suspended) {
      if (!ctx.isRpc()) {
        reconnecting.increment();  // events are not kept for a worker that may not come back
        w.dropped.incrementAndGet();
        return Future.succeededFuture();
      }
      // an RPC waits for the worker inside its grace period, then goes over the new stream
      return w.reconnected.future().compose(again -> forward(clientId, agent, payload, ctx));
    }
    if (!ctx.isRpc()) {
      forwardEvent(w, payload, ctx);
      return Future.succeededFuture();
    }
    if (w.queueFull(options.getMaxQueuedBytesPerWorker())) {
      backpressureDrops.increment();
      w.dropped.incrementAndGet();
      return Future.failedFuture(new AgentRpcException("worker " + clientId + " hosting " + agent
          + " is not keeping up (its queue of " + options.getMaxQueuedBytesPerWorker() + " bytes is full)"));
    }
    if (w.pending.size() >= options.getMaxInflightRpcsPerWorker()) {
      return Future.failedFuture(new AgentRpcException("worker " + clientId + " hosting " + agent + " already has "
          + options.getMaxInflightRpcsPerWorker() + " requests in flight (the bridge's maxInflightRpcsPerWorker)"));
    }
    String id = w.nextRequestId();
    Future<RpcResponse> reply = w.pending.expect(id, options.getRpcTimeoutMillis(), () -> new AgentRpcException("worker "
        + clientId + " did not answer for " + agent + " within " + options.getRpcTimeoutMillis() + " ms"));
    RpcRequest.Builder b = RpcRequest.newBuilder().setRequestId(id).setTarget(Wire.proto(agent))
        .setPayload(Wire.proto(payload)).putAllMetadata(ctx.metadata());
    if (ctx.sender() != null) {
      b.setSource(Wire.proto(ctx.sender()));
    }
    Message request = Message.newBuilder().setRequest(b).build();
    if (request.getSerializedSize() > options.getMaxMessageBytes()) {
      AgentRpcException refusal = new AgentRpcException("a request to " + agent + ": " + tooLarge(request.getSerializedSize()));
      w.pending.fail(id, refusal);
      tooLarge.increment();
      w.dropped.incrementAndGet();
      return Future.failedFuture(refusal);
    }
    write(w, request);
    return reply.map(resp -> {
      if (!resp.getError().isEmpty()) {
        throw new AgentRpcException(resp.getError());
      }
      return resp.hasPayload() && !resp.getPayload().getDataType().isEmpty() ? Wire.payload(resp.getPayload()) : null;
    });
  }

  /** An event for a worker: once per event (publisher-chosen ids may repeat: the id on its topic from its sender). */
  private void forwardEvent(WorkerConnection w, Object payload, MessageContext ctx) {
    if (ctx.topic() == null || !w.firstSighting(ctx.messageId() + '\u0000' + ctx.topic() + '\u0000' + ctx.sender())) {
      return;
    }
    if (w.queueFull(options.getMaxQueuedBytesPerWorker())) {
      backpressureDrops.increment();
      w.dropped.incrementAndGet();
      LOG.debug("worker {} is not keeping up: event {} dropped", w.clientId, ctx.messageId());
      return;
    }
    Message event = Message.newBuilder().setCloudEvent(Wire.event(ctx.messageId(), ctx.topic(), ctx.sender(), payload,
        ctx.metadata())).build();
    if (event.getSerializedSize() > options.getMaxMessageBytes()) {
      tooLarge.increment();
      w.dropped.incrementAndGet();
      LOG.debug("event {} for worker {} is over the bridge's message limit: dropped", ctx.messageId(), w.clientId);
    } else {
      write(w, event);
    }
  }

  /**
   * Writes to a worker's stream. HTTP/2 flow control holds what the worker has no window for yet;
   * those bytes are counted until they are on the wire, and {@code maxQueuedBytesPerWorker} bounds
   * them (events beyond it are dropped, RPCs refused).
   */
  private void write(WorkerConnection w, Message m) {
    long size = m.getSerializedSize();
    w.queuedBytes.addAndGet(size);
    w.stream.write(m).onComplete(ar -> {
      w.queuedBytes.addAndGet(-size);
      if (ar.failed()) {
        failedWrite.warn("write to worker {} failed: {}", w.clientId, ar.cause().getMessage());
      }
    });
  }

  // --- state, over the control channel ----------------------------------------------------------

  /** Asks a worker's agent for its state over the worker's control channel (a JVM caller's {@code saveState}). */
  Future<SaveStateResponse> saveWorkerState(AgentId agent) {
    Any request = Any.pack(SaveStateRequest.newBuilder().setAgentId(Wire.proto(agent)).build());
    return control.ask(agent, request, options.getRpcTimeoutMillis()).compose(answer -> {
      try {
        io.agentbus.grpc.proto.SaveStateResponse r = answer.unpack(io.agentbus.grpc.proto.SaveStateResponse.class);
        if (r.hasError() && !r.getError().isEmpty()) {
          return Future.failedFuture(new AgentRpcException("the worker hosting " + agent + " could not save its state: " + r.getError()));
        }
        return Future.succeededFuture(new SaveStateResponse(r.getState().isEmpty() ? null : new JsonObject(r.getState())));
      } catch (InvalidProtocolBufferException | DecodeException | ClassCastException e) {
        return Future.failedFuture(new AgentRpcException("the worker hosting " + agent
            + " answered a save state request with something other than a state that is a JSON object: " + e.getMessage()));
      }
    });
  }

  /** Hands a worker's agent a state to load over the worker's control channel. */
  Future<Void> loadWorkerState(AgentId agent, JsonObject state) {
    Any request = Any.pack(LoadStateRequest.newBuilder().setAgentId(Wire.proto(agent)).setState(state.encode()).build());
    return control.ask(agent, request, options.getRpcTimeoutMillis()).compose(answer -> {
      try {
        LoadStateResponse r = answer.unpack(LoadStateResponse.class);
        return r.hasError() && !r.getError().isEmpty()
            ? Future.failedFuture(new AgentRpcException("the worker hosting " + agent + " could not load the state: " + r.getError()))
            : Future.succeededFuture();
      } catch (InvalidProtocolBufferException e) {
        return Future.failedFuture(new AgentRpcException("the worker hosting " + agent
            + " answered a load state request with something else: " + e.getMessage()));
      }
    });
  }

  /**
   * A worker's save or load state request for an agent no worker of this bridge hosts: the runtime
   * answers it (a JVM agent, or a worker's agent on another node's bridge). Failures are answered
   * in the response's {@code error}, so the asking worker is never left waiting.
   */
  private Future<Any> answerForCluster(AgentId agent, Any request) {
    if (request.is(SaveStateRequest.class)) {
      return runtime.saveState(agent)
          .map(state -> Any.pack(io.agentbus.grpc.proto.SaveStateResponse.newBuilder().setState(state.encode()).build()))
          .otherwise(err -> Any.pack(io.agentbus.grpc.proto.SaveStateResponse.newBuilder().setError(describe(err)).build()));
    }
    if (request.is(LoadStateRequest.class)) {
      Future<Void> loaded;
      try {
        loaded = runtime.loadState(agent, new JsonObject(request.unpack(LoadStateRequest.class).getState()));
      } catch (InvalidProtocolBufferException | DecodeException | ClassCastException e) {
        loaded = Future.failedFuture(new IllegalArgumentException("the state to load is not a JSON object: " + e.getMessage()));
      }
      return loaded.map(v -> Any.pack(LoadStateResponse.getDefaultInstance()))
          .otherwise(err -> Any.pack(LoadStateResponse.newBuilder().setError(describe(err)).build()));
    }
    return Future.failedFuture(new IllegalArgumentException("no connected worker hosts agent type '" + agent.type()
        + "', and a " + request.getTypeUrl() + " is not a state request the cluster answers"));
  }

  private static String describe(Throwable err) {
    return err.getMessage() != null ? err.getMessage() : err.toString();
  }
}
