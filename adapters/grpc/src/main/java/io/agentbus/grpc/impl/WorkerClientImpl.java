package io.agentbus.grpc.impl;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRpcException;
import io.agentbus.agent.AgentTimeoutException;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.Subscription;
import io.agentbus.agent.TopicId;
import io.agentbus.grpc.WorkerClient;
import io.agentbus.grpc.WorkerClientOptions;
import com.google.protobuf.Any;
import io.agentbus.grpc.proto.AddSubscriptionRequest;
import io.agentbus.grpc.proto.AgentRpcGrpcClient;
import io.agentbus.grpc.proto.ControlMessage;
import io.agentbus.grpc.proto.GetSubscriptionsRequest;
import io.agentbus.grpc.proto.LoadStateRequest;
import io.agentbus.grpc.proto.LoadStateResponse;
import io.agentbus.grpc.proto.Message;
import io.agentbus.grpc.proto.RegisterAgentTypeRequest;
import io.agentbus.grpc.proto.RpcRequest;
import io.agentbus.grpc.proto.RpcResponse;
import io.agentbus.grpc.proto.SaveStateRequest;
import io.agentbus.grpc.proto.SaveStateResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/** {@link WorkerClient} over the Vert.x gRPC client: one channel stream, unary calls beside it. */
public final class WorkerClientImpl implements WorkerClient {

  private final Vertx vertx;
  private final WorkerClientOptions options;
  private final String clientId;
  private final GrpcClient client;
  private final SocketAddress address;
  /** This worker's RPCs to the host waiting for their reply. */
  private final PendingReplies<RpcResponse> pending;
  private final AtomicLong nextRequest = new AtomicLong();
  private volatile BiFunction<AgentId, JsonPayload, Future<JsonPayload>> requests =
      (target, payload) -> Future.failedFuture(new AgentRpcException("worker has no request handler"));
  private volatile BiConsumer<TopicId, JsonPayload> events = (topic, payload) -> { };
  private volatile Function<AgentId, Future<JsonObject>> saveState =
      agent -> Future.failedFuture(new AgentRpcException("worker has no save state handler"));
  private volatile BiFunction<AgentId, JsonObject, Future<Void>> loadState =
      (agent, state) -> Future.failedFuture(new AgentRpcException("worker has no load state handler"));
  /** This worker's state requests on its control channel waiting for their answer. */
  private final PendingReplies<Any> asked;
  private GrpcClientRequest<Message, Message> channel;
  private volatile GrpcClientRequest<ControlMessage, ControlMessage> control;
  private volatile Throwable controlFailure;
  private volatile boolean closed;

  private WorkerClientImpl(Vertx vertx, WorkerClientOptions options) {
    this.vertx = vertx;
    this.pending = new PendingReplies<>(vertx);
    this.asked = new PendingReplies<>(vertx);
    this.options = options;
    this.clientId = options.getClientId() != null ? options.getClientId() : "jvm-worker-" + UUID.randomUUID();
    HttpClientOptions http = new HttpClientOptions().setHttp2ClearTextUpgrade(false)
        .setInitialSettings(new io.vertx.core.http.Http2Settings().setInitialWindowSize(Http2Windows.STREAM_BYTES))
        .setHttp2ConnectionWindowSize(Http2Windows.CONNECTION_BYTES);
    if (options.getTrustCaPath() != null) {
      http.setSsl(true).setUseAlpn(true).setTrustOptions(new PemTrustOptions().addCertPath(options.getTrustCaPath()));
      if (options.getCertPath() != null) {
        http.setKeyCertOptions(new PemKeyCertOptions().setCertPath(options.getCertPath()).setKeyPath(options.getKeyPath()));
      }
    }
    this.client = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(options.getMaxMessageBytes()), http);
    this.address = SocketAddress.inetSocketAddress(options.getPort(), options.getHost());
  }

  /** Connects (see {@link WorkerClient#connect}). */
  public static Future<WorkerClient> connect(Vertx vertx, WorkerClientOptions options) {
    WorkerClientImpl w = new WorkerClientImpl(vertx, options);
    return w.open().compose(v -> w.openControl()).<WorkerClient>map(w).recover(err -> w.client.close().transform(v -> Future.failedFuture(err)));
  }

  private void credentials(GrpcClientRequest<?, ?> req) {
    req.headers().add("client-id", clientId);
    if (options.getToken() != null) {
      req.headers().add("authorization", "Bearer " + options.getToken());
    }
  }

  private Future<Void> open() {
    return client.request(address, AgentRpcGrpcClient.OpenChannel).compose(req -> {
      credentials(req);
      channel = req;
      Promise<Void> opened = Promise.promise();
      // attached before the stream starts: the handler is set on the event loop as the response's
      // headers arrive, so no message after them (a request that waited for this worker) is missed
      req.response().onFailure(opened::tryFail).onSuccess(resp -> {
        if (resp.status() != null && resp.status() != GrpcStatus.OK) {
          opened.tryFail(new AgentRpcException("the bridge refused the channel: " + (resp.status() == null ? "no status" : resp.status().name()) + " " + resp.statusMessage()));
          return;
        }
        resp.handler(this::onMessage);
        resp.endHandler(v -> {
          opened.tryFail(new AgentRpcException("the bridge refused the channel: " + (resp.status() == null ? "no status" : resp.status().name()) + " " + resp.statusMessage()));
          failPending("the bridge closed the channel");
        });
        resp.exceptionHandler(err -> failPending("the channel failed: " + describe(err)));
        opened.tryComplete();
      });
      // the stream (and its headers) start with the first message: an empty one, which the host ignores
      req.write(Message.getDefaultInstance());
      // A host may hold the channel's response headers back until it has something to send
      // (AutoGen's Python host does): a unary call on the same connection proves it admitted us.
      unary(AgentRpcGrpcClient.GetSubscriptions, GetSubscriptionsRequest.getDefaultInstance())
          .onSuccess(v -> opened.tryComplete())
          .onFailure(opened::tryFail);
      return opened.future();
    });
  }

  /**
   * Opens the control channel (state requests both ways). Its first message, which starts the
   * stream, is addressed to this worker itself and carries nothing: every host routes it back,
   * and it is ignored here. A host without control channels leaves state requests failing, not
   * the connection.
   */
  private Future<Void> openControl() {
    return client.request(address, AgentRpcGrpcClient.OpenControlChannel).compose(req -> {
      credentials(req);
      control = req;
      req.response().onSuccess(resp -> {
        resp.handler(this::onControl);
        resp.endHandler(v -> controlGone("the bridge closed the control channel"));
        resp.exceptionHandler(err -> controlGone("the control channel failed: " + describe(err)));
      }).onFailure(err -> controlGone("the control channel failed: " + describe(err)));
      return req.write(ControlMessage.newBuilder().setDestination("clientid=" + clientId).build());
    }).recover(err -> {
      controlGone("the control channel could not be opened: " + err.getMessage());
      return Future.succeededFuture();
    });
  }

  private void controlGone(String why) {
    controlFailure = new AgentRpcException(why);
    Throwable failure = controlFailure;
    asked.failAll(() -> failure);
  }

  private void onControl(ControlMessage m) {
    if (!m.hasRpcMessage()) {
      return;  // our stream opener, routed back
    }
    Any body = m.getRpcMessage();
    try {
      if (body.is(SaveStateRequest.class)) {
        AgentId agent = Wire.agentId(body.unpack(SaveStateRequest.class).getAgentId());
        answer(m, saveState.apply(agent).map(state -> Any.pack(SaveStateResponse.newBuilder()
            .setState(state == null ? "{}" : state.encode()).build())), e -> Any.pack(SaveStateResponse.newBuilder().setError(e).build()));
      } else if (body.is(LoadStateRequest.class)) {
        LoadStateRequest r = body.unpack(LoadStateRequest.class);
        Future<Void> loaded;
        try {
          loaded = loadState.apply(Wire.agentId(r.getAgentId()), new JsonObject(r.getState()));
        } catch (RuntimeException e) {
          loaded = Future.failedFuture(e);
        }
        answer(m, loaded.map(v -> Any.pack(LoadStateResponse.getDefaultInstance())),
            e -> Any.pack(LoadStateResponse.newBuilder().setError(e).build()));
      } else {
        asked.answer(m.getRpcId(), body);
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException | RuntimeException e) {
      // a control message we cannot read is not ours to fail
    }
  }

  private void answer(ControlMessage request, Future<Any> result, Function<String, Any> error) {
    if (!request.hasRespondTo() || request.getRespondTo().isEmpty()) {
      return;
    }
    result.recover(e -> Future.succeededFuture(error.apply(String.valueOf(e.getMessage())))).onSuccess(body ->
        control.write(ControlMessage.newBuilder().setRpcId(request.getRpcId()).setDestination(request.getRespondTo())
            .setRpcMessage(body).build()));
  }

  private Future<Any> ask(AgentId agent, Any request) {
    if (closed) {
      return closedError().mapEmpty();
    }
    if (control == null || controlFailure != null) {
      return Future.failedFuture(controlFailure != null ? controlFailure : new AgentRpcException("no control channel"));
    }
    String id = "c" + nextRequest.incrementAndGet();
    Future<Any> answer = asked.expect(id, options.getRpcTimeoutMillis(),
        () -> new AgentTimeoutException(agent, options.getRpcTimeoutMillis()));
    control.write(ControlMessage.newBuilder().setRpcId(id).setDestination("agentid=" + agent.type() + "/" + agent.key())
        .setRespondTo("clientid=" + clientId).setRpcMessage(request).build());
    return answer;
  }

  @Override
  public Future<JsonObject> saveState(AgentId agent) {
    return ask(agent, Any.pack(SaveStateRequest.newBuilder().setAgentId(Wire.proto(agent)).build())).compose(body -> {
      try {
        SaveStateResponse r = body.unpack(SaveStateResponse.class);
        if (r.hasError() && !r.getError().isEmpty()) {
          return Future.failedFuture(new AgentRpcException(r.getError()));
        }
        return Future.succeededFuture(r.getState().isEmpty() ? new JsonObject() : new JsonObject(r.getState()));
      } catch (com.google.protobuf.InvalidProtocolBufferException | RuntimeException e) {
        return Future.failedFuture(new AgentRpcException("the answer for " + agent + " is not a state: " + e.getMessage()));
      }
    });
  }

  @Override
  public Future<Void> loadState(AgentId agent, JsonObject state) {
    return ask(agent, Any.pack(LoadStateRequest.newBuilder().setAgentId(Wire.proto(agent)).setState(state.encode()).build()))
        .compose(body -> {
          try {
            LoadStateResponse r = body.unpack(LoadStateResponse.class);
            return r.hasError() && !r.getError().isEmpty() ? Future.failedFuture(new AgentRpcException(r.getError()))
                : Future.<Void>succeededFuture();
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return Future.failedFuture(new AgentRpcException("the answer for " + agent + " is not a load state response"));
          }
        });
  }

  @Override
  public WorkerClient onSaveState(Function<AgentId, Future<JsonObject>> handler) {
    this.saveState = handler;
    return this;
  }

  @Override
  public WorkerClient onLoadState(BiFunction<AgentId, JsonObject, Future<Void>> handler) {
    this.loadState = handler;
    return this;
  }

  private void onMessage(Message m) {
    switch (m.getMessageCase()) {
      case REQUEST -> onRequest(m.getRequest());
      case RESPONSE -> {
        pending.answer(m.getResponse().getRequestId(), m.getResponse());
      }
      case CLOUDEVENT -> {
        try {
          events.accept(new TopicId(m.getCloudEvent().getType(), m.getCloudEvent().getSource()), Wire.jsonOnly(Wire.eventPayload(m.getCloudEvent())));
        } catch (RuntimeException ignored) {
          // an event we cannot read is not ours to fail
        }
      }
      default -> { }
    }
  }

  private void onRequest(RpcRequest r) {
    Future<JsonPayload> reply;
    try {
      reply = requests.apply(Wire.agentId(r.getTarget()), Wire.jsonOnly(Wire.payload(r.getPayload())));
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    reply.onComplete(ar -> {
      RpcResponse.Builder b = RpcResponse.newBuilder().setRequestId(r.getRequestId());
      if (ar.failed()) {
        b.setError(String.valueOf(ar.cause().getMessage()));
      } else if (ar.result() != null) {
        b.setPayload(Wire.proto(ar.result()));
      }
      channel.write(Message.newBuilder().setResponse(b).build());
    });
  }

  private void failPending(String why) {
    pending.failAll(() -> new AgentRpcException(why));
  }

  private <Req, Resp> Future<Resp> unary(ServiceMethod<Resp, Req> method, Req body) {
    return client.request(address, method).compose(req -> {
      credentials(req);
      req.end(body);
      return req.response().compose(resp -> resp.last().otherwiseEmpty().compose(last -> resp.status() == GrpcStatus.OK
          ? Future.succeededFuture(last)
          : Future.failedFuture(new AgentRpcException(resp.status().name() + ": " + resp.statusMessage()))));
    });
  }

  @Override
  public String clientId() {
    return clientId;
  }

  @Override
  public Future<Void> registerAgentType(String type) {
    return unary(AgentRpcGrpcClient.RegisterAgent, RegisterAgentTypeRequest.newBuilder().setType(type).build()).mapEmpty();
  }

  @Override
  public Future<Void> addSubscription(Subscription subscription) {
    return unary(AgentRpcGrpcClient.AddSubscription, AddSubscriptionRequest.newBuilder()
        .setSubscription(Wire.proto(subscription)).build()).mapEmpty();
  }

  private static String describe(Throwable err) {
    return err.getMessage() != null ? err.getMessage() : err.toString();
  }

  private Future<Void> closedError() {
    return Future.failedFuture(new AgentRpcException("the worker client " + clientId + " is closed"));
  }

  @Override
  public Future<JsonPayload> send(AgentId target, AgentId source, JsonPayload payload) {
    if (closed) {
      return closedError().mapEmpty();
    }
    String id = "w" + nextRequest.incrementAndGet();
    Future<RpcResponse> reply = pending.expect(id, options.getRpcTimeoutMillis(),
        () -> new AgentTimeoutException(target, options.getRpcTimeoutMillis()));
    RpcRequest.Builder b = RpcRequest.newBuilder().setRequestId(id).setTarget(Wire.proto(target)).setPayload(Wire.proto(payload));
    if (source != null) {
      b.setSource(Wire.proto(source));
    }
    channel.write(Message.newBuilder().setRequest(b).build());
    return reply.compose(resp -> {
      if (!resp.getError().isEmpty()) {
        return Future.failedFuture(new AgentRpcException(resp.getError()));
      }
      return Future.succeededFuture(resp.hasPayload() && !resp.getPayload().getDataType().isEmpty()
          ? Wire.jsonOnly(Wire.payload(resp.getPayload())) : null);
    });
  }

  @Override
  public Future<Void> publish(TopicId topic, AgentId source, JsonPayload payload) {
    if (closed) {
      return closedError();
    }
    return channel.write(Message.newBuilder().setCloudEvent(Wire.event(UUID.randomUUID().toString(), topic, source, payload)).build());
  }

  @Override
  public WorkerClient onRequest(BiFunction<AgentId, JsonPayload, Future<JsonPayload>> handler) {
    this.requests = handler;
    return this;
  }

  @Override
  public WorkerClient onEvent(BiConsumer<TopicId, JsonPayload> handler) {
    this.events = handler;
    return this;
  }

  @Override
  public Future<Void> close() {
    closed = true;
    failPending("the worker closed its channel");
    controlGone("the worker closed its channel");
    if (control != null) {
      control.end();
    }
    Future<Void> ended = channel == null ? Future.succeededFuture() : channel.end().otherwiseEmpty();
    return ended.eventually(client::close);
  }
}
