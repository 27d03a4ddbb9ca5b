package io.agentbus.grpc.impl;

import io.agentbus.agent.AgentId;
import io.agentbus.grpc.proto.ControlMessage;
import io.micrometer.core.instrument.Counter;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The workers' control channels ({@code OpenControlChannel}), routed as AutoGen's host routes them:
 * a {@link ControlMessage} whose destination is {@code agentid=<type>/<key>} goes to the worker
 * hosting that agent, {@code clientid=<id>} to that worker, unchanged (its {@code rpc_id},
 * {@code respond_to} and payload — a save or load state request or response — included), so one
 * worker can ask another for an agent's state and get the answer back. A message that cannot be
 * delivered (bad destination, unknown agent type, target without a control channel) is logged and
 * counted; the protocol has no error reply for it.
 */
final class ControlRouter {

  private static final Logger LOG = LoggerFactory.getLogger(ControlRouter.class);

  private final Map<String, GrpcServerResponse<ControlMessage, ControlMessage>> channels = new ConcurrentHashMap<>();
  private final Function<AgentId, String> hostOf;
  private final Counter undeliverable;

  /**
   * @param hostOf the client id of the worker hosting an agent, or null
   * @param undeliverable counts messages that could not be delivered
   */
  ControlRouter(Function<AgentId, String> hostOf, Counter undeliverable) {
    this.hostOf = hostOf;
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

  private void route(String from, ControlMessage m) {
    String destination = m.getDestination();
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
        drop(from, m, "no connected worker hosts agent type '" + agent.type() + "'");
        return;
      }
    } else if (destination.startsWith("clientid=")) {
      target = destination.substring("clientid=".length());
    } else {
      drop(from, m, "invalid destination '" + destination + "' (expected agentid=<type>/<key> or clientid=<id>)");
      return;
    }
    GrpcServerResponse<ControlMessage, ControlMessage> stream = channels.get(target);
    if (stream == null) {
      drop(from, m, "worker " + target + " has no control channel open");
      return;
    }
    stream.write(m).onFailure(err -> drop(from, m, "writing to worker " + target + " failed: " + err.getMessage()));
  }

  private void drop(String from, ControlMessage m, String why) {
    undeliverable.increment();
    LOG.warn("control message {} from worker {} not delivered: {}", m.getRpcId(), from, why);
  }
}
