package io.agentbus.grpc.impl;

import com.google.protobuf.Any;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRpcException;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.MessageContext;
import io.agentbus.agent.Subscription;
import io.agentbus.agent.TopicId;
import io.agentbus.grpc.AgentRpcHost;
import io.agentbus.grpc.AgentRpcHostOptions;
import io.vertx.core.json.JsonObject;
import io.agentbus.grpc.proto.AddSubscriptionRequest;
import io.agentbus.grpc.proto.AddSubscriptionResponse;
import io.agentbus.grpc.proto.AgentRpcGrpcService;
import io.agentbus.grpc.proto.ControlMessage;
import io.agentbus.grpc.proto.GetSubscriptionsRequest;
import io.agentbus.grpc.proto.GetSubscriptionsResponse;
import io.agentbus.grpc.proto.Message;
import io.agentbus.grpc.proto.RegisterAgentTypeRequest;
import io.agentbus.grpc.proto.RegisterAgentTypeResponse;
import io.agentbus.grpc.proto.RemoveSubscriptionRequest;
import io.agentbus.grpc.proto.RemoveSubscriptionResponse;
import io.agentbus.grpc.proto.RpcRequest;
import io.agentbus.grpc.proto.RpcResponse;
import io.agentbus.grpc.proto.cloudevents.CloudEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** {@link AgentRpcHost} on a Vert.x gRPC server. */
public final class AgentRpcHostImpl implements AgentRpcHost {

  private static final Logger LOG = LoggerFactory.getLogger(AgentRpcHostImpl.class);
  private static final String CLIENT_ID = "client-id";

  private final AgentRuntime runtime;
  private final Vertx vertx;
  private final AgentRpcHostOptions options;
  private final Map<String, WorkerConnection> workers = new ConcurrentHashMap<>();
  /** Agent type → the workers that registered it, in registration order. */
  private final Map<String, Set<String>> typeWorkers = new ConcurrentHashMap<>();
  /** Worker → (the subscription id it gave → the id in force in the runtime, shared when equal). */
  private final Map<String, Map<String, String>> subscriptionsByClient = new ConcurrentHashMap<>();
  private final Map<HttpConnection, Set<WorkerConnection>> byConnection = new ConcurrentHashMap<>();
  private final io.micrometer.core.instrument.Counter backpressureDrops;
  private final io.micrometer.core.instrument.Counter refused;
  private HttpServer server;
  private volatile boolean closing;
  private final java.util.concurrent.atomic.AtomicBoolean untypedReplyWarned = new java.util.concurrent.atomic.AtomicBoolean();
  /** Streams one connection (one worker process) may hold at once. */
  static final long MAX_STREAMS_PER_CONNECTION = 10_000;
  /** Stream resets accepted per connection per 30 s before it is treated as a reset flood. */
  static final int RST_FRAMES_PER_WINDOW = 10_000;
  private final io.micrometer.core.instrument.Counter tooLarge;
  private final io.micrometer.core.instrument.Counter reconnecting;
  private final ControlRouter control;

  private static final String DROPPED_HELP = "messages the bridge could not deliver, per reason "
      + "(worker_backpressure, control_undeliverable, worker_reconnecting, too_large, invalid_event)";
  private final io.micrometer.core.instrument.Counter invalidEvents;

  private AgentRpcHostImpl(AgentRuntime runtime, AgentRpcHostOptions options) {
    this.runtime = runtime;
    this.vertx = runtime.node().vertx();
    this.options = options;
    this.backpressureDrops = io.micrometer.core.instrument.Counter.builder("agentbus.bridge.dropped")
        .description(DROPPED_HELP).tag("reason", "worker_backpressure").register(options.getMeterRegistry());
    this.control = new ControlRouter(vertx, this::workerFor, this::answerForCluster, io.micrometer.core.instrument.Counter.builder("agentbus.bridge.dropped")
        .description(DROPPED_HELP).tag("reason", "control_undeliverable").register(options.getMeterRegistry()));
    this.reconnecting = io.micrometer.core.instrument.Counter.builder("agentbus.bridge.dropped")
        .description(DROPPED_HELP).tag("reason", "worker_reconnecting").register(options.getMeterRegistry());
    this.tooLarge = io.micrometer.core.instrument.Counter.builder("agentbus.bridge.dropped")
        .description(DROPPED_HELP).tag("reason", "too_large").register(options.getMeterRegistry());
    this.invalidEvents = io.micrometer.core.instrument.Counter.builder("agentbus.bridge.dropped")
        .description(DROPPED_HELP).tag("reason", "invalid_event").register(options.getMeterRegistry());
    this.refused = io.micrometer.core.instrument.Counter.builder("agentbus.bridge.refused")
        .description("gRPC calls refused by the bridge's access check (token or allowed networks)")
        .register(options.getMeterRegistry());
  }

  /** Starts a host. */
  public static Future<AgentRpcHost> start(AgentRuntime runtime, AgentRpcHostOptions options) {
    AgentRpcHostImpl host = new AgentRpcHostImpl(runtime, options);
    // gRPC's own cap is set above ours, so that an oversized message reaches us and is refused
    // alone instead of ending the worker's whole stream
    long transportCap = Math.max(2L * options.getMaxMessageBytes(), options.getMaxMessageBytes() + 1024L * 1024);
    GrpcServer grpc = GrpcServer.server(host.vertx, new io.vertx.grpc.server.GrpcServerOptions().setMaxMessageSize(transportCap));
    grpc.callHandler(AgentRpcGrpcService.OpenChannel, host::onOpenChannel);
    grpc.callHandler(AgentRpcGrpcService.OpenControlChannel, host::onOpenControlChannel);
    grpc.callHandler(AgentRpcGrpcService.RegisterAgent, req -> host.unary(req, host::registerAgent));
    grpc.callHandler(AgentRpcGrpcService.AddSubscription, req -> host.unary(req, host::addSubscription));
    grpc.callHandler(AgentRpcGrpcService.RemoveSubscription, req -> host.unary(req, host::removeSubscription));
    grpc.callHandler(AgentRpcGrpcService.GetSubscriptions, req -> host.unary(req, host::getSubscriptions));
    BridgeAccess access;
    HttpServerOptions so;
    try {
      access = new BridgeAccess(options.getToken(), options.getAllowedNetworks());
      so = serverOptions(options);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> guarded = req -> {
      String refusal = access.refusal(req);
      if (refusal != null) {
        host.refused.increment();
        // a trailers-only gRPC response: the worker sees UNAUTHENTICATED with the reason
        req.response().putHeader("content-type", "application/grpc").putHeader("grpc-status", "16")
            .putHeader("grpc-message", grpcMessage(refusal)).end();
        return;
      }
      grpc.handle(req);
    };
    return host.vertx.createHttpServer(so).requestHandler(guarded).listen().map(s -> {
          host.server = s;
          return host;
        });
  }

  /** The grpc-message encoding: UTF-8, bytes outside printable ASCII and '%' percent-encoded. */
  static String grpcMessage(String text) {
    StringBuilder sb = new StringBuilder();
    for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      if (b >= 0x20 && b <= 0x7E && b != '%') {
        sb.append((char) b);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
      }
    }
    return sb.toString();
  }

  private static HttpServerOptions serverOptions(AgentRpcHostOptions options) {
    HttpServerOptions so = new HttpServerOptions().setHost(options.getHost()).setPort(options.getPort())
        // every worker of a Python process holds one long-lived stream on the process's shared
        // connection: allow thousands (HTTP/2's default of 100 deadlocked the 100th worker)
        .setInitialSettings(new io.vertx.core.http.Http2Settings().setMaxConcurrentStreams(MAX_STREAMS_PER_CONNECTION)
            .setInitialWindowSize(Http2Windows.STREAM_BYTES))
        // what workers send is read as it arrives: windows larger than HTTP/2's 64 KiB save them
        // waiting for our window updates
        .setHttp2ConnectionWindowSize(Http2Windows.CONNECTION_BYTES)
        // a stopping worker resets its stream: ordinary churn, not the rapid-reset attack
        // (thousands of resets a second), which this bound still stops
        .setHttp2RstFloodMaxRstFramePerWindow(RST_FRAMES_PER_WINDOW).setHttp2RstFloodWindowDuration(30)
        .setHttp2RstFloodWindowDurationTimeUnit(java.util.concurrent.TimeUnit.SECONDS);
    if (options.getTlsCertPath() != null) {
      so.setSsl(true).setUseAlpn(true).setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions()
          .setCertPath(options.getTlsCertPath()).setKeyPath(options.getTlsKeyPath()));
      if (options.getTlsClientCaPath() != null) {
        so.setClientAuth(io.vertx.core.http.ClientAuth.REQUIRED)
            .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(options.getTlsClientCaPath()));
      }
    } else if (options.getTlsClientCaPath() != null) {
      throw new IllegalArgumentException("a client CA (mutual TLS) needs the bridge's own certificate and key (setTls)");
    }
    return so;
  }

  @Override
  public int port() {
    return server.actualPort();
  }

  @Override
  public Set<String> workers() {
    return Set.copyOf(workers.keySet());
  }

  @Override
  public java.util.List<io.agentbus.grpc.WorkerState> workerStates() {
    java.util.List<io.agentbus.grpc.WorkerState> out = new java.util.ArrayList<>();
    for (WorkerConnection w : workers.values()) {
      Set<String> types = new java.util.TreeSet<>();
      typeWorkers.forEach((type, clients) -> {
        if (clients.contains(w.clientId)) {
          types.add(type);
        }
      });
      Set<String> subs = subscriptionsByClient.getOrDefault(w.clientId, Map.of()).keySet();
      out.add(new io.agentbus.grpc.WorkerState(w.clientId, types, subs, w.pending.size(), w.sending.get(),
          w.dropped.get(), w.queuedBytes.get(), w.queueFull(options.getMaxQueuedBytesPerWorker()), w.suspended));
    }
    out.sort(java.util.Comparator.comparing(io.agentbus.grpc.WorkerState::clientId));
    return out;
  }

  @Override
  public Future<Void> close() {
    List<Future<?>> done = new ArrayList<>();
    closing = true;
    new ArrayList<>(workers.values()).forEach(w -> {
      done.add(disconnect(w, true));
      safeEnd(w.stream);
    });
    done.add(server.close());
    return Future.join(done).mapEmpty();
  }

  // --- the worker's stream ----------------------------------------------------------------------

  private void onOpenChannel(GrpcServerRequest<Message, Message> req) {
    String clientId = req.headers().get(CLIENT_ID);
    if (clientIdProblem(clientId) != null) {
      reject(req.response(), GrpcStatus.INVALID_ARGUMENT, clientIdProblem(clientId));
      return;
    }
    if (!workers.containsKey(clientId) && workers.size() >= options.getMaxWorkers()) {
      reject(req.response(), GrpcStatus.RESOURCE_EXHAUSTED, "the bridge already has " + options.getMaxWorkers()
          + " connected workers (its maxWorkers)");
      return;
    }
    WorkerConnection w = new WorkerConnection(clientId, req.response(), vertx);
    WorkerConnection previous = workers.put(clientId, w);
    if (previous != null && previous.suspended) {
      vertx.cancelTimer(previous.graceTimer);
      LOG.info("worker {} reconnected within the grace period: its types and subscriptions are kept", clientId);
      // once this stream is set up below: the RPCs that waited go over it
      vertx.runOnContext(v -> previous.reconnected.tryComplete(w));
    } else if (previous != null) {
      LOG.warn("worker {} opened a second channel; the first is closed", clientId);
      safeEnd(previous.stream);
    }
    req.response().writeHead();
    req.handler(m -> onWorkerMessage(w, m));
    // a worker that stops or dies may reset the stream or just close its connection
    req.exceptionHandler(t -> disconnect(w, false));
    req.errorHandler(err -> disconnect(w, false));
    req.response().exceptionHandler(t -> disconnect(w, false));
    onConnectionClose(req.connection(), w);
    req.endHandler(v -> {
      disconnect(w, true);  // the worker ended its stream: it left on purpose, no grace
      safeEnd(req.response());
    });
    LOG.info("worker {} connected", clientId);
  }

  /** Workers of one process may share a connection: its close disconnects all of them. */
  private void onConnectionClose(HttpConnection connection, WorkerConnection w) {
    Set<WorkerConnection> sharing = byConnection.computeIfAbsent(connection, c -> {
      c.closeHandler(v -> {
        Set<WorkerConnection> all = byConnection.remove(c);
        if (all != null) {
          all.forEach(x -> disconnect(x, false));
        }
      });
      return ConcurrentHashMap.newKeySet();
    });
    sharing.add(w);
  }

  private void onOpenControlChannel(GrpcServerRequest<ControlMessage, ControlMessage> req) {
    String clientId = req.headers().get(CLIENT_ID);
    if (clientIdProblem(clientId) != null) {
      reject(req.response(), GrpcStatus.INVALID_ARGUMENT, clientIdProblem(clientId));
      return;
    }
    control.open(clientId, req);
  }

  private String tooLarge(int bytes) {
    return "message of " + bytes + " bytes is larger than the bridge's limit of " + options.getMaxMessageBytes()
        + " bytes (--grpc-max-message-bytes): refused";
  }

  private void onWorkerMessage(WorkerConnection w, Message m) {
    int size = m.getSerializedSize();
    if (size > options.getMaxMessageBytes()) {
      tooLarge.increment();
      switch (m.getMessageCase()) {
        case REQUEST -> write(w, Message.newBuilder().setResponse(RpcResponse.newBuilder()
            .setRequestId(m.getRequest().getRequestId()).setError(tooLarge(size))).build());
        case RESPONSE -> {
          w.pending.fail(m.getResponse().getRequestId(), new AgentRpcException("worker " + w.clientId + " replied with a "
              + tooLarge(size)));
        }
        default -> LOG.warn("worker {} sent an event of {} bytes, over the bridge's limit of {}: dropped",
            w.clientId, size, options.getMaxMessageBytes());
      }
      return;
    }
    switch (m.getMessageCase()) {
      case REQUEST:
        onRequest(w, m.getRequest());
        break;
      case RESPONSE:
        if (!w.pending.answer(m.getResponse().getRequestId(), m.getResponse())) {
          LOG.debug("worker {} answered unknown or expired request {}", w.clientId, m.getResponse().getRequestId());
        }
        break;
      case CLOUDEVENT:
        onEvent(w, m.getCloudEvent());
        break;
      default:
        LOG.debug("worker {} sent an empty message (a stream opener)", w.clientId);
    }
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
      try (io.opentelemetry.context.Scope ignored = io.agentbus.agent.TraceContexts.extract(r.getMetadataMap()).makeCurrent()) {
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
        b.setError(ar.cause().getMessage() != null ? ar.cause().getMessage() : ar.cause().toString());
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
            LOG.warn("event {} of worker {} was not published: {}", e.getId(), w.clientId, err.getMessage());
          });
    } catch (RuntimeException ex) {
      // AutoGen's protocol has no answer to an event: counted and logged
      invalidEvents.increment();
      LOG.warn("event {} of worker {} is invalid: {}", e.getId(), w.clientId, ex.getMessage());
    }
  }

  /** @return a reply as a worker can take it: bytes and JSON payloads as they are, a JVM record as its JSON */
  private Object foreign(Object reply) {
    if (reply == null || reply instanceof JsonPayload || reply instanceof io.agentbus.agent.BytesPayload) {
      return reply;
    }
    if (reply instanceof JsonObject && untypedReplyWarned.compareAndSet(false, true)) {
      LOG.warn("a JVM agent answered a worker with a bare JsonObject: it travels as type 'JsonObject', which a Python"
          + " worker cannot map to a dataclass (it gets UnknownPayload); reply with a record (its name, or @PayloadName,"
          + " is the type) or a JsonPayload naming the type. Logged once.");
    }
    return new JsonPayload(runtime.payloadTypes().nameOf(reply), runtime.payloadTypes().toJson(reply));
  }

  /** Delivers a message (a {@link JsonPayload} or a {@code BytesPayload}) for an agent hosted by worker {@code clientId}. */
  Future<Object> forward(String clientId, AgentId agent, Object payload, MessageContext ctx) {
    WorkerConnection w = clientId == null ? null : workers.get(clientId);
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
      // publisher-chosen ids may repeat across publishers: the event is the id on its topic from its sender
      if (ctx.topic() != null && w.firstSighting(ctx.messageId() + '\u0000' + ctx.topic() + '\u0000' + ctx.sender())) {
        if (w.queueFull(options.getMaxQueuedBytesPerWorker())) {
          backpressureDrops.increment();
          w.dropped.incrementAndGet();
          LOG.debug("worker {} is not keeping up: event {} dropped", clientId, ctx.messageId());
        } else {
          Message event = Message.newBuilder().setCloudEvent(Wire.event(ctx.messageId(), ctx.topic(), ctx.sender(), payload,
              ctx.metadata())).build();
          if (event.getSerializedSize() > options.getMaxMessageBytes()) {
            tooLarge.increment();
            w.dropped.incrementAndGet();
            LOG.debug("event {} for worker {} is over the bridge's message limit: dropped", ctx.messageId(), clientId);
          } else {
            write(w, event);
          }
        }
      }
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
      w.pending.fail(id, new AgentRpcException("a request to " + agent + ": " + tooLarge(request.getSerializedSize())));
      tooLarge.increment();
      w.dropped.incrementAndGet();
      return Future.failedFuture(new AgentRpcException("a request to " + agent + ": " + tooLarge(request.getSerializedSize())));
    }
    write(w, request);
    return reply.map(resp -> {
      if (!resp.getError().isEmpty()) {
        throw new AgentRpcException(resp.getError());
      }
      return resp.hasPayload() && !resp.getPayload().getDataType().isEmpty() ? Wire.payload(resp.getPayload()) : null;
    });
  }

  /** Asks a worker's agent for its state over the worker's control channel (a JVM caller's {@code saveState}). */
  Future<io.agentbus.agent.SaveStateResponse> saveWorkerState(AgentId agent) {
    Any request = Any.pack(io.agentbus.grpc.proto.SaveStateRequest.newBuilder().setAgentId(Wire.proto(agent)).build());
    return control.ask(agent, request, options.getRpcTimeoutMillis()).compose(answer -> {
      try {
        io.agentbus.grpc.proto.SaveStateResponse r = answer.unpack(io.agentbus.grpc.proto.SaveStateResponse.class);
        if (r.hasError() && !r.getError().isEmpty()) {
          return Future.failedFuture(new AgentRpcException("the worker hosting " + agent + " could not save its state: " + r.getError()));
        }
        return Future.succeededFuture(new io.agentbus.agent.SaveStateResponse(r.getState().isEmpty() ? null : new JsonObject(r.getState())));
      } catch (com.google.protobuf.InvalidProtocolBufferException | io.vertx.core.json.DecodeException | ClassCastException e) {
        return Future.failedFuture(new AgentRpcException("the worker hosting " + agent
            + " answered a save state request with something other than a state that is a JSON object: " + e.getMessage()));
      }
    });
  }

  /** Hands a worker's agent a state to load over the worker's control channel. */
  Future<Void> loadWorkerState(AgentId agent, JsonObject state) {
    Any request = Any.pack(io.agentbus.grpc.proto.LoadStateRequest.newBuilder().setAgentId(Wire.proto(agent))
        .setState(state.encode()).build());
    return control.ask(agent, request, options.getRpcTimeoutMillis()).compose(answer -> {
      try {
        io.agentbus.grpc.proto.LoadStateResponse r = answer.unpack(io.agentbus.grpc.proto.LoadStateResponse.class);
        return r.hasError() && !r.getError().isEmpty()
            ? Future.failedFuture(new AgentRpcException("the worker hosting " + agent + " could not load the state: " + r.getError()))
            : Future.succeededFuture();
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
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
    if (request.is(io.agentbus.grpc.proto.SaveStateRequest.class)) {
      return runtime.saveState(agent)
          .map(state -> Any.pack(io.agentbus.grpc.proto.SaveStateResponse.newBuilder().setState(state.encode()).build()))
          .otherwise(err -> Any.pack(io.agentbus.grpc.proto.SaveStateResponse.newBuilder().setError(describe(err)).build()));
    }
    if (request.is(io.agentbus.grpc.proto.LoadStateRequest.class)) {
      Future<Void> loaded;
      try {
        loaded = runtime.loadState(agent, new JsonObject(request.unpack(io.agentbus.grpc.proto.LoadStateRequest.class).getState()));
      } catch (com.google.protobuf.InvalidProtocolBufferException | io.vertx.core.json.DecodeException | ClassCastException e) {
        loaded = Future.failedFuture(new IllegalArgumentException("the state to load is not a JSON object: " + e.getMessage()));
      }
      return loaded.map(v -> Any.pack(io.agentbus.grpc.proto.LoadStateResponse.getDefaultInstance()))
          .otherwise(err -> Any.pack(io.agentbus.grpc.proto.LoadStateResponse.newBuilder().setError(describe(err)).build()));
    }
    return Future.failedFuture(new IllegalArgumentException("no connected worker hosts agent type '" + agent.type()
        + "', and a " + request.getTypeUrl() + " is not a state request the cluster answers"));
  }

  private static String describe(Throwable err) {
    return err.getMessage() != null ? err.getMessage() : err.toString();
  }

  /**
   * @return the connected worker that hosts {@code agent}: {@link io.agentbus.agent.Placement} over
   *     its type's connected workers (the runtime's placement), so a key sticks to its worker
   */
  String workerFor(AgentId agent) {
    Set<String> candidates = typeWorkers.get(agent.type());
    if (candidates == null) {
      return null;
    }
    List<String> connected = new ArrayList<>(candidates.size());
    for (String c : candidates) {
      if (workers.containsKey(c)) {
        connected.add(c);
      }
    }
    return io.agentbus.agent.Placement.owner(agent, connected);
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
        LOG.warn("write to worker {} failed: {}", w.clientId, ar.cause().getMessage());
      }
    });
  }

  /**
   * A worker's stream is gone. When it ended its stream (it left), or there is no grace period,
   * its types and subscriptions are withdrawn at once; when the connection was lost, they are kept
   * for {@code reconnectGraceMillis}: a reconnect with the same client-id resumes, RPCs to it wait
   * meanwhile, and at the end of the grace period it is withdrawn and the waiting RPCs fail.
   */
  private Future<Void> disconnect(WorkerConnection w, boolean left) {
    if (workers.get(w.clientId) != w) {
      return Future.succeededFuture();
    }
    long grace = options.getReconnectGraceMillis();
    if (!left && grace > 0 && !closing && !w.suspended) {
      w.suspended = true;
      // requests already written to the lost stream cannot be answered on another one
      w.pending.failAll(() -> new AgentRpcException("the connection to worker " + w.clientId + " was lost"));
      w.graceTimer = vertx.setTimer(grace, t -> {
        w.reconnected.tryFail(new AgentRpcException("worker " + w.clientId + " lost its connection and did not reconnect within "
            + grace + " ms (--grpc-reconnect-grace-ms)"));
        expire(w);
      });
      LOG.info("worker {} lost its connection: keeping its types and subscriptions for {} ms", w.clientId, grace);
      return Future.succeededFuture();
    }
    if (w.suspended && !closing) {
      return Future.succeededFuture();  // the lost stream's other close signals: the grace period runs on
    }
    if (w.suspended) {
      vertx.cancelTimer(w.graceTimer);
      w.reconnected.tryFail(new AgentRpcException("the bridge closed while worker " + w.clientId + " was away"));
    }
    return expire(w);
  }

  private Future<Void> expire(WorkerConnection w) {
    if (!workers.remove(w.clientId, w)) {
      return Future.succeededFuture();
    }
    LOG.info("worker {} disconnected: withdrawing its types and subscriptions", w.clientId);
    w.pending.failAll(() -> new AgentRpcException("worker " + w.clientId + " disconnected"));
    List<Future<?>> done = new ArrayList<>();
    typeWorkers.forEach((type, clients) -> {
      if (clients.remove(w.clientId) && clients.isEmpty()) {
        typeWorkers.remove(type, clients);
        done.add(runtime.unregister(type));
      }
    });
    Map<String, String> subs = subscriptionsByClient.remove(w.clientId);
    if (subs != null) {
      subs.values().forEach(actual -> {
        if (!stillUsed(actual)) {
          done.add(runtime.removeSubscription(actual));
        }
      });
    }
    return Future.join(done).mapEmpty();
  }

  // --- unary calls ------------------------------------------------------------------------------

  private <Req, Resp> void unary(GrpcServerRequest<Req, Resp> req, java.util.function.BiFunction<String, Req, Future<Resp>> call) {
    String clientId = req.headers().get(CLIENT_ID);
    req.handler(msg -> {
      if (clientIdProblem(clientId) != null) {
        reject(req.response(), GrpcStatus.INVALID_ARGUMENT, clientIdProblem(clientId));
        return;
      }
      Future<Resp> result;
      try {
        result = call.apply(clientId, msg);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          req.response().end(ar.result());
        } else {
          reject(req.response(), GrpcErrors.statusOf(ar.cause()), GrpcErrors.messageOf(ar.cause()));
        }
      });
    });
  }

  /**
   * @return AutoGen's host's wording when the header is missing; ours when it is empty (AutoGen
   *     accepts that) or the bridge's own; null when the client id is acceptable
   */
  static String clientIdProblem(String clientId) {
    if (clientId == null) {
      return "client-id metadata not found.";
    }
    if (clientId.isBlank()) {
      return "client-id metadata is empty: the bridge identifies a worker, its agent types and subscriptions by it";
    }
    return clientId.equals(ControlRouter.HOST_CLIENT_ID)
        ? "client-id '" + clientId + "' is reserved: the bridge answers control messages under it" : null;
  }

  /** AutoGen's host's wording for a type another worker registered (code may match on it). */
  static String alreadyRegistered(String type, String existingClient) {
    return "Agent type " + type + " already registered with client " + existingClient + ".";
  }

  private Future<RegisterAgentTypeResponse> registerAgent(String clientId, RegisterAgentTypeRequest r) {
    String type = AgentId.checkType(r.getType());
    long mine = typeWorkers.values().stream().filter(c -> c.contains(clientId)).count();
    if (mine >= options.getMaxTypesPerWorker()) {
      return Future.failedFuture(new io.agentbus.agent.AgentCapacityException("worker " + clientId + " already registered "
          + options.getMaxTypesPerWorker() + " agent types (the bridge's maxTypesPerWorker)"));
    }
    Set<String> clients = typeWorkers.computeIfAbsent(type, t -> new java.util.concurrent.CopyOnWriteArraySet<>());
    synchronized (clients) {
      if (clients.contains(clientId)) {
        return Future.failedFuture(new IllegalArgumentException(alreadyRegistered(type, clientId)));
      }
      if (!clients.isEmpty() && !options.isMultipleWorkersPerType()) {
        return Future.failedFuture(new IllegalArgumentException(alreadyRegistered(type, clients.iterator().next())));
      }
      clients.add(clientId);
      if (clients.size() > 1) {
        return Future.succeededFuture(RegisterAgentTypeResponse.getDefaultInstance());
      }
    }
    // proxies only forward: run them inline, without a verticle and a thread hop per message
    return runtime.register(type, id -> new WorkerAgent(this), io.agentbus.agent.RegistrationOptions.defaults().withInline(true))
        .onFailure(err -> clients.remove(clientId))
        .map(v -> RegisterAgentTypeResponse.getDefaultInstance());
  }

  private Future<AddSubscriptionResponse> addSubscription(String clientId, AddSubscriptionRequest r) {
    Subscription s = Wire.subscription(r.getSubscription());
    Map<String, String> mine = subscriptionsByClient.computeIfAbsent(clientId, c -> new ConcurrentHashMap<>());
    if (mine.size() >= options.getMaxSubscriptionsPerWorker()) {
      return Future.failedFuture(new io.agentbus.agent.AgentCapacityException("worker " + clientId + " already added "
          + options.getMaxSubscriptionsPerWorker() + " subscriptions (the bridge's maxSubscriptionsPerWorker)"));
    }
    if (options.isMultipleWorkersPerType()) {
      // workers of one type each add the same subscriptions: share the one in force
      for (Subscription existing : runtime.subscriptions()) {
        if (existing.sameAs(s) && !existing.id().equals(s.id()) && sharedType(existing.agentType(), clientId)) {
          mine.put(s.id(), existing.id());
          return Future.succeededFuture(AddSubscriptionResponse.getDefaultInstance());
        }
      }
    }
    if (runtime.subscriptions().stream().anyMatch(existing -> existing.id().equals(s.id()) || existing.sameAs(s))) {
      return Future.failedFuture(new IllegalArgumentException("Subscription already exists"));  // AutoGen's wording
    }
    return runtime.addSubscription(s).map(v -> {
      mine.put(s.id(), s.id());
      return AddSubscriptionResponse.getDefaultInstance();
    });
  }

  private Future<RemoveSubscriptionResponse> removeSubscription(String clientId, RemoveSubscriptionRequest r) {
    Map<String, String> mine = subscriptionsByClient.getOrDefault(clientId, Map.of());
    String actual = mine.getOrDefault(r.getId(), r.getId());
    mine.remove(r.getId());
    if (stillUsed(actual)) {
      return Future.succeededFuture(RemoveSubscriptionResponse.getDefaultInstance());
    }
    if (runtime.subscriptions().stream().noneMatch(x -> x.id().equals(actual))) {
      return Future.failedFuture(new IllegalArgumentException("Subscription does not exist"));  // AutoGen's wording
    }
    return runtime.removeSubscription(actual).map(v -> RemoveSubscriptionResponse.getDefaultInstance());
  }

  /** @return whether another worker of the same type registered {@code type} besides {@code clientId} */
  private boolean sharedType(String type, String clientId) {
    Set<String> clients = typeWorkers.get(type);
    return clients != null && clients.contains(clientId) && clients.size() > 1;
  }

  /** @return whether any connected worker still relies on the runtime subscription {@code actual} */
  private boolean stillUsed(String actual) {
    return subscriptionsByClient.values().stream().anyMatch(m -> m.containsValue(actual));
  }

  private Future<GetSubscriptionsResponse> getSubscriptions(String clientId, GetSubscriptionsRequest r) {
    GetSubscriptionsResponse.Builder b = GetSubscriptionsResponse.newBuilder();
    runtime.subscriptions().forEach(s -> b.addSubscriptions(Wire.proto(s)));
    return Future.succeededFuture(b.build());
  }

  /** Ends a stream whose peer may already be gone (Vert.x can throw when ending a disposed stream). */
  private static void safeEnd(GrpcServerResponse<?, ?> response) {
    try {
      response.end().onFailure(err -> LOG.debug("ending a worker stream failed: {}", err.getMessage()));
    } catch (RuntimeException e) {
      LOG.debug("ending a worker stream failed: {}", e.toString());
    }
  }

  private static void reject(GrpcServerResponse<?, ?> response, GrpcStatus status, String message) {
    response.status(status).statusMessage(message == null ? status.name() : message).end();
  }
}
