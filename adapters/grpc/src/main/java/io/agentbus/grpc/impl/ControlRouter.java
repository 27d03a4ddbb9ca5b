package io.agentbus.grpc.impl;

import com.google.protobuf.Any;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRpcException;
import io.agentbus.agent.AgentTimeoutException;
import io.agentbus.grpc.proto.ControlMessage;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import io.agentbus.error.ThrottledWarning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The workers' control channels ({@code OpenControlChannel}), routed as AutoGen's host routes them:
 * a {@link ControlMessage} whose destination is {@code agentid=<type>/<key>} goes to the worker
 * hosting that agent, {@code clientid=<id>} to that worker, unchanged (its {@code rpc_id},
 * {@code respond_to} and payload — a save or load state request or response — included), so one
 * worker can ask another for an agent's state and get the answer back.
 *
 * <p>Beyond AutoGen's host: a request for an agent no worker hosts is answered for the cluster's
 * own agents (by {@code answerForCluster}: the runtime's save and load state), and the bridge asks
 * workers itself ({@link #ask}) with {@code respond_to} {@value #HOST_CLIENT_ID}, so JVM agents can
 * ask a worker's agent for its state. A message that cannot be delivered (bad destination, unknown
 * agent type, target without a control channel) is logged and counted; the protocol has no error
 * reply for it.
 */
final class ControlRouter {

  /** The client id the bridge answers to on control channels; no worker may take it. */
  static final String HOST_CLIENT_ID = "agentbus-bridge";
  private static final String TO_HOST = "clientid=" + HOST_CLIENT_ID;
  private static final Logger LOG = LoggerFactory.getLogger(ControlRouter.class);
  /** Undeliverable control messages come from workers: one line per 10 s however many (each is counted). */
  private final ThrottledWarning undeliverableWarning = new ThrottledWarning(LOG);

  private final Vertx vertx;
  private final Map<String, GrpcServerResponse<ControlMessage, ControlMessage>> channels = new ConcurrentHashMap<>();
  /** The bridge's own state requests to workers, by rpc id. */
  private final PendingReplies<Any> asked;
  private final AtomicLong nextAsk = new AtomicLong();
  private final Function<AgentId, String> hostOf;
  private final BiFunction<AgentId, Any, Future<Any>> answerForCluster;
  private final Counter undeliverable;

  /**
   * @param hostOf the client id of the worker hosting an agent, or null
   * @param answerForCluster answers a request (its payload) for an agent no worker hosts, or fails
   *     when the cluster has no such agent type either
   * @param undeliverable counts messages that could not be delivered
   */
  ControlRouter(Vertx vertx, Function<AgentId, String> hostOf, BiFunction<AgentId, Any, Future<Any>> answerForCluster,
                Counter undeliverable) {
    this.vertx = vertx;
    this.asked = new PendingReplies<>(vertx);
    this.hostOf = hostOf;
    this.answerForCluster = answerForCluster;
    this.undeliverable = undeliverable;
  }

  /** Takes a worker's control channel (the {@code client-id} header already checked). */
  void open(String clientId, GrpcServerRequest<ControlMessage, ControlMessage> req) {
    GrpcServerResponse<ControlMessage, ControlMessage> stream = req.response();
    channels.put(clientId, stream);
    stream.writeHead();
    req.handler(m -> route(clientId, m));
    Runnable gone = () -> channels.remove(clientId, stream);
    req.endHandler(v -> {
      gone.run();
      try {
        stream.end();
      } catch (RuntimeException ignored) {
        // already reset by the worker
      }
    });
    req.exceptionHandler(t -> gone.run());
    req.errorHandler(e -> gone.run());
  }

  /**
   * Asks the worker hosting {@code agent} (a save or load state request) and returns its answer.
   *
   * @return the answer's payload; fails at once when no connected worker hosts the agent or it has
   *     no control channel open, and after {@code timeoutMillis} without an answer
   */
  Future<Any> ask(AgentId agent, Any request, long timeoutMillis) {
    String worker = hostOf.apply(agent);
    if (worker == null) {
      return Future.failedFuture(new AgentRpcException("no connected worker hosts agent type '" + agent.type() + "'"));
    }
    GrpcServerResponse<ControlMessage, ControlMessage> stream = channels.get(worker);
    if (stream == null) {
      return Future.failedFuture(new AgentRpcException("worker " + worker + " hosting " + agent
          + " has no control channel open, so its agents' state cannot be asked for (AutoGen's Python worker 0.7.5 opens none)"));
    }
    String rpcId = "b" + nextAsk.incrementAndGet();
    Future<Any> answer = asked.expect(rpcId, timeoutMillis, () -> new AgentTimeoutException(agent, timeoutMillis));
    stream.write(ControlMessage.newBuilder().setRpcId(rpcId).setDestination(destinationOf(agent)).setRespondTo(TO_HOST)
        .setRpcMessage(request).build()).onFailure(err -> asked.fail(rpcId,
            new AgentRpcException("writing to worker " + worker + " failed: " + err.getMessage())));
    return answer;
  }

  private static String destinationOf(AgentId agent) {
    return "agentid=" + agent.type() + "/" + agent.key();
  }

  private void route(String from, ControlMessage m) {
    String destination = m.getDestination();
    if (destination.isEmpty() && m.getRpcId().isEmpty() && !m.hasRpcMessage()) {
      LOG.debug("worker {} sent an empty control message (a stream opener)", from);
      return;
    }
    if (destination.equals(TO_HOST)) {
      if (!asked.answer(m.getRpcId(), m.getRpcMessage())) {
        drop(from, m, "it answers nothing the bridge asked (or asked too long ago)");
      }
      return;
    }
    String target;
    if (destination.startsWith("agentid=")) {
      AgentId agent;
      try {
        String id = destination.substring("agentid=".length());
        int slash = id.indexOf('/');
        agent = new AgentId(slash < 0 ? id : id.substring(0, slash), slash < 0 ? "default" : id.substring(slash + 1));
      } catch (IllegalArgumentException e) {
        drop(from, m, "invalid agent id in destination '" + destination + "': " + e.getMessage());
        return;
      }
      target = hostOf.apply(agent);
      if (target == null) {
        answerForCluster(from, agent, m);
        return;
      }
    } else if (destination.startsWith("clientid=")) {
      target = destination.substring("clientid=".length());
    } else {
      drop(from, m, "invalid destination '" + destination + "' (expected agentid=<type>/<key> or clientid=<id>)");
      return;
    }
    deliver(from, target, m);
  }

  private void deliver(String from, String target, ControlMessage m) {
    GrpcServerResponse<ControlMessage, ControlMessage> stream = channels.get(target);
    if (stream == null) {
      drop(from, m, "worker " + target + " has no control channel open");
      return;
    }
    stream.write(m).onFailure(err -> drop(from, m, "writing to worker " + target + " failed: " + err.getMessage()));
  }

  /** A request for an agent of the cluster (no worker hosts its type): the runtime answers it. */
  private void answerForCluster(String from, AgentId agent, ControlMessage m) {
    answerForCluster.apply(agent, m.getRpcMessage()).onComplete(ar -> {
      if (ar.failed()) {
        drop(from, m, ar.cause().getMessage());
      } else if (!m.hasRespondTo() || m.getRespondTo().isEmpty()) {
        LOG.debug("control message {} from worker {} answered; it asked for no answer", m.getRpcId(), from);
      } else if (!m.getRespondTo().startsWith("clientid=")) {
        drop(from, m, "its respond_to '" + m.getRespondTo() + "' is not clientid=<id>");
      } else {
        deliver(HOST_CLIENT_ID, m.getRespondTo().substring("clientid=".length()), ControlMessage.newBuilder()
            .setRpcId(m.getRpcId()).setDestination(m.getRespondTo()).setRpcMessage(ar.result()).build());
      }
    });
  }

  private void drop(String from, ControlMessage m, String why) {
    undeliverable.increment();
    undeliverableWarning.warn("control message {} from worker {} not delivered: {}", m.getRpcId(), from, why);
  }
}
