package io.agentbus.grpc;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.Subscription;
import io.agentbus.agent.TopicId;
import io.agentbus.grpc.impl.WorkerClientImpl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A JVM worker of the AutoGen worker protocol: what a Python {@code GrpcWorkerAgentRuntime} is,
 * for a JVM process that is not a member of the cluster (another team's service, a process on
 * another network). It speaks to a bridge ({@link AgentRpcHost}) with TLS, mutual TLS and a bearer
 * token when the bridge asks for them, which unmodified Python workers cannot.
 *
 * <pre>{@code
 * WorkerClient w = WorkerClient.connect(vertx, new WorkerClientOptions().setPort(50051).setToken(token)).await();
 * w.onRequest((target, payload) -> Future.succeededFuture(new JsonPayload("Sum", new JsonObject().put("value", 42))));
 * w.registerAgentType("pycalc").await();
 * JsonPayload reply = w.send(new AgentId("javacalc", "k"), null, new JsonPayload("Add", json)).await();
 * }</pre>
 *
 * <p>Every method may be called from any thread; results complete on the client's Vert.x
 * context. An RPC fails with the bridge's error message, or after {@link WorkerClientOptions#getRpcTimeoutMillis()}.
 */
public interface WorkerClient {

  /**
   * Opens the worker's channel to the bridge.
   *
   * @return the connected client; fails with the bridge's status (for example {@code UNAUTHENTICATED})
   */
  static Future<WorkerClient> connect(Vertx vertx, WorkerClientOptions options) {
    return WorkerClientImpl.connect(vertx, options);
  }

  /** @return the worker's client id */
  String clientId();

  /** Registers an agent type this worker hosts: requests for its agents come to {@link #onRequest}. */
  Future<Void> registerAgentType(String type);

  /** Adds a subscription (topics delivered to this worker's agents arrive at {@link #onEvent}). */
  Future<Void> addSubscription(Subscription subscription);

  /** Sends an RPC to any agent of the cluster (JVM or another worker's) and waits for its reply (null for none). */
  Future<JsonPayload> send(AgentId target, AgentId source, JsonPayload payload);

  /** Publishes to a topic. */
  Future<Void> publish(TopicId topic, AgentId source, JsonPayload payload);

  /** Handles RPCs for this worker's agents: (target, payload) to the reply (or null). */
  WorkerClient onRequest(BiFunction<AgentId, JsonPayload, Future<JsonPayload>> handler);

  /** Receives events published to topics this worker subscribed to: (topic, payload). */
  WorkerClient onEvent(java.util.function.BiConsumer<TopicId, JsonPayload> handler);

  /**
   * Answers save state requests for this worker's agents (AutoGen's {@code SaveStateRequest} on the
   * control channel, from a JVM agent's {@code AgentRuntime.saveState} or another worker): agent to
   * its state. A failure is answered as the response's error.
   */
  WorkerClient onSaveState(Function<AgentId, Future<JsonObject>> handler);

  /** Answers load state requests for this worker's agents: (agent, state) to done. */
  WorkerClient onLoadState(BiFunction<AgentId, JsonObject, Future<Void>> handler);

  /**
   * Asks any agent — a JVM agent of the cluster or another worker's — for its state, over the
   * control channel.
   *
   * @return the state; fails with the agent's error, or after the RPC timeout
   */
  Future<JsonObject> saveState(AgentId agent);

  /** Hands any agent a state to load, over the control channel. */
  Future<Void> loadState(AgentId agent, JsonObject state);

  /** Closes the channel (the bridge withdraws this worker's types and subscriptions). */
  Future<Void> close();
}
