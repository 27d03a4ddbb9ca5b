package io.agentbus.grpc.impl;

import io.agentbus.agent.AgentRpcException;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.grpc.AgentRpcHost;
import io.agentbus.grpc.AgentRpcHostOptions;
import io.agentbus.grpc.proto.AgentRpcGrpcService;
import io.agentbus.grpc.proto.ControlMessage;
import io.agentbus.grpc.proto.Message;
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

/**
 * {@link AgentRpcHost} on a Vert.x gRPC server: the server and its access check, and each worker's
 * streams — opened, shared by the workers of one process on one connection, lost and resumed
 * within the reconnect grace period, ended. What workers registered is kept by
 * {@link WorkerDirectory}, the messages between them and the runtime are carried by
 * {@link WorkerRouting}.
 *
 * <p>Threads: the gRPC server's event loops; timers on the Vert.x instance's.
 */
public final class AgentRpcHostImpl implements AgentRpcHost {

  private static final Logger LOG = LoggerFactory.getLogger(AgentRpcHostImpl.class);
  private static final String CLIENT_ID = "client-id";
  /** Streams one connection (one worker process) may hold at once. */
  static final long MAX_STREAMS_PER_CONNECTION = 10_000;
  /** Stream resets accepted per connection per 30 s before it is treated as a reset flood. */
  static final int RST_FRAMES_PER_WINDOW = 10_000;

  private final Vertx vertx;
  private final AgentRpcHostOptions options;
  private final WorkerDirectory directory;
  private final WorkerRouting routing;
  private final Map<HttpConnection, Set<WorkerConnection>> byConnection = new ConcurrentHashMap<>();
  private final io.micrometer.core.instrument.Counter refused;
  private HttpServer server;
  private volatile boolean closing;

  private AgentRpcHostImpl(AgentRuntime runtime, AgentRpcHostOptions options) {
    this.vertx = runtime.node().vertx();
    this.options = options;
    this.directory = new WorkerDirectory(runtime, options, id -> proxy());
    this.routing = new WorkerRouting(runtime, options, directory);
    this.refused = io.micrometer.core.instrument.Counter.builder("agentbus.bridge.refused")
        .description("gRPC calls refused by the bridge's access check (token or allowed networks)")
        .register(options.getMeterRegistry());
  }

  /** @return the runtime-side proxy of an agent a worker hosts */
  private WorkerAgent proxy() {
    return new WorkerAgent(routing);
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
    grpc.callHandler(AgentRpcGrpcService.RegisterAgent, req -> host.unary(req, host.directory::registerAgent));
    grpc.callHandler(AgentRpcGrpcService.AddSubscription, req -> host.unary(req, host.directory::addSubscription));
    grpc.callHandler(AgentRpcGrpcService.RemoveSubscription, req -> host.unary(req, host.directory::removeSubscription));
    grpc.callHandler(AgentRpcGrpcService.GetSubscriptions, req -> host.unary(req, host.directory::getSubscriptions));
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
    return directory.ids();
  }

  @Override
  public java.util.List<io.agentbus.grpc.WorkerState> workerStates() {
    return directory.states();
  }

  @Override
  public Future<Void> close() {
    List<Future<?>> done = new ArrayList<>();
    closing = true;
    directory.all().forEach(w -> {
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
    if (!directory.admits(clientId)) {
      reject(req.response(), GrpcStatus.RESOURCE_EXHAUSTED, "the bridge already has " + options.getMaxWorkers()
          + " connected workers (its maxWorkers)");
      return;
    }
    WorkerConnection w = new WorkerConnection(clientId, req.response(), vertx);
    WorkerConnection previous = directory.connected(w);
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
    req.handler(m -> routing.onWorkerMessage(w, m));
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
    routing.openControl(clientId, req);
  }

  /**
   * A worker's stream is gone. When it ended its stream (it left), or there is no grace period,
   * its types and subscriptions are withdrawn at once; when the connection was lost, they are kept
   * for {@code reconnectGraceMillis}: a reconnect with the same client-id resumes, RPCs to it wait
   * meanwhile, and at the end of the grace period it is withdrawn and the waiting RPCs fail.
   */
  private Future<Void> disconnect(WorkerConnection w, boolean left) {
    if (directory.get(w.clientId) != w) {
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
    List<Future<?>> withdrawn = new ArrayList<>();
    if (!directory.remove(w, withdrawn)) {
      return Future.succeededFuture();
    }
    LOG.info("worker {} disconnected: withdrawing its types and subscriptions", w.clientId);
    w.pending.failAll(() -> new AgentRpcException("worker " + w.clientId + " disconnected"));
    return Future.join(withdrawn).mapEmpty();
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
