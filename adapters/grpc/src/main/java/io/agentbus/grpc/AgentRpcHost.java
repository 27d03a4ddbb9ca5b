package io.agentbus.grpc;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.grpc.impl.AgentRpcHostImpl;
import io.vertx.core.Future;

/**
 * A host for AutoGen workers: speaks {@code agents.AgentRpc} so that unmodified Python
 * {@code GrpcWorkerAgentRuntime} workers join the cluster. Each agent type a worker registers
 * becomes an agent type of the {@link AgentRuntime}: JVM agents publish to it and call it, and it
 * calls them; a worker attached to one node reaches agents on every node.
 *
 * <p>Unlike AutoGen's reference host, request ids are rewritten per hop (two workers' request "1"
 * never collide), an RPC to an unknown type is answered with an error at once, every forwarded RPC
 * times out, and a worker's types and subscriptions are withdrawn when it disconnects.
 */
public interface AgentRpcHost {

  /**
   * @param runtime the runtime the workers join
   * @param options listen address and timeouts
   * @return the host, listening
   */
  static Future<AgentRpcHost> start(AgentRuntime runtime, AgentRpcHostOptions options) {
    return AgentRpcHostImpl.start(runtime, options);
  }

  /** @return the port listened on */
  int port();

  /** @return the ids of the connected workers */
  java.util.Set<String> workers();

  /**
   * @return the connected workers (and those within their reconnect grace period): their types,
   *     subscriptions, requests in flight each way and drops, sorted by client id
   */
  java.util.List<WorkerState> workerStates();

  /** Stops listening and disconnects the workers. */
  Future<Void> close();
}
