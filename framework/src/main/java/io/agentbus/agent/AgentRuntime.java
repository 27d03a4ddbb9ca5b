package io.agentbus.agent;

import io.agentbus.agent.impl.AgentRuntimeImpl;
import io.agentbus.cluster.Node;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AutoGen's agent runtime on a (clustered) Vert.x node. Runtimes of one namespace on every node
 * form one runtime: an agent type registered on several nodes is placed deterministically among
 * them (rendezvous hashing, filtered by required node labels), activated lazily on its owner, and
 * re-activated on a survivor when its owner leaves.
 *
 * <p>Errors are prompt and explicit: a send to an unknown type fails at once
 * ({@link UnknownAgentTypeException}), a handler's exception reaches the caller
 * ({@link AgentRpcException}), a reply that does not come fails with {@link AgentTimeoutException}.
 */
public interface AgentRuntime {

  /**
   * @param node the node to run on
   * @param options options
   * @return the runtime, once it has joined the others
   */
  static Future<AgentRuntime> create(Node node, AgentRuntimeOptions options) {
    return AgentRuntimeImpl.create(node, options);
  }

  /** Registers a type with default options. */
  default Future<Void> register(String type, AgentFactory factory) {
    return register(type, factory, RegistrationOptions.defaults());
  }

  /**
   * Registers an agent type on this node; the type becomes known cluster-wide.
   *
   * @param type the agent type
   * @param factory makes instances
   * @param options placement and checkpointing
   * @return completion, once every node knows
   */
  Future<Void> register(String type, AgentFactory factory, RegistrationOptions options);

  /**
   * Withdraws a type registered on this node: other nodes stop routing to it here, its local agents
   * are deactivated (state saved) and re-activated wherever the type is still registered.
   *
   * @return completion, once every node knows
   */
  Future<Void> unregister(String type);

  /**
   * Adds a subscription cluster-wide.
   *
   * @return completion, once every node routes by it; fails if an equal subscription exists
   */
  Future<Void> addSubscription(Subscription subscription);

  /**
   * Removes a subscription cluster-wide.
   *
   * @return completion, once no node routes by it any more
   */
  Future<Void> removeSubscription(String subscriptionId);

  /** @return the subscriptions this node routes by */
  List<Subscription> subscriptions();

  /**
   * Publishes a message to every agent subscribed to the topic (except the sender).
   *
   * @param message the payload (a record or {@link JsonPayload})
   * @param topic the topic
   * @param sender the publishing agent, or null
   * @return completion once handed to every recipient's node
   */
  default Future<Void> publish(Object message, TopicId topic, AgentId sender) {
    return publish(message, topic, sender, null, Map.of());
  }

  /**
   * Publishes with the publisher's own message id and metadata, which every recipient sees
   * unchanged in its {@link MessageContext} (and a bridged AutoGen worker as the CloudEvent's id and
   * extension attributes): what the gRPC bridge uses so that events are forwarded, not rebuilt,
   * and trace context ({@code traceparent}) travels end to end.
   *
   * @param messageId the id (at most 255 characters), or null for a new one
   * @param metadata string metadata (at most 64 entries)
   */
  Future<Void> publish(Object message, TopicId topic, AgentId sender, String messageId, Map<String, String> metadata);

  /** {@link #send(Object, AgentId, AgentId, Class, long)} with the default timeout and an untyped reply. */
  default Future<Object> send(Object message, AgentId recipient, AgentId sender) {
    return send(message, recipient, sender, Object.class, -1);
  }

  /** {@link #send(Object, AgentId, AgentId, Class, long)} with the default timeout. */
  default <R> Future<R> send(Object message, AgentId recipient, AgentId sender, Class<R> replyType) {
    return send(message, recipient, sender, replyType, -1);
  }

  /**
   * Sends a message to an agent and returns its reply.
   *
   * <p>The agent is activated on its owner if it is not active. A call made on an event loop (an
   * agent's handler, a verticle) travels with the other calls and publishes that loop makes to the
   * same node in the same turn, in one frame and in order; each is still answered on its own, as
   * soon as its handler completes, so fanning out many calls at once and joining their futures is
   * cheap. From any other thread each call is one event-bus request.
   *
   * <p>Errors (each an {@link io.agentbus.error.AgentBusFailure} with its code): an
   * {@link UnknownAgentTypeException} when no node registered the type, an
   * {@link AgentTimeoutException} after the timeout, an {@link AgentUnavailableException} when the
   * owner's node leaves during the call (it may or may not have been handled), an
   * {@link AgentCapacityException} when the owner is at its limit of active agents, an
   * {@link AgentRpcException} with the handler's failure (its code kept across nodes), an
   * {@code IllegalArgumentException} for a payload that cannot be sent. The future never hangs: it
   * completes, on the context that called, by the timeout at the latest.
   *
   * @param message the payload
   * @param recipient the agent
   * @param sender the sending agent, or null
   * @param replyType the reply's class ({@code Object.class}: as received; {@link JsonPayload}:
   *                  type name and JSON)
   * @param timeoutMillis the timeout, or a negative value for the default
   * @return the reply (null when the handler replies nothing)
   */
  <R> Future<R> send(Object message, AgentId recipient, AgentId sender, Class<R> replyType, long timeoutMillis);

  /**
   * Asks an agent for its state (AutoGen's {@code agent_save_state}), wherever it runs: a JVM agent
   * answers with {@link Agent#saveState()} on its own context, between its messages; an agent on an
   * AutoGen worker answers through the worker's control channel (workers that open none, such as
   * AutoGen's Python worker 0.7.5, fail the request saying so). The agent is activated if it is not
   * active, as for any message.
   *
   * @return the state, empty for an agent that keeps none; fails as {@link #send} fails
   */
  default Future<JsonObject> saveState(AgentId agent) {
    return send(new SaveStateRequest(), agent, null, SaveStateResponse.class).map(SaveStateResponse::state);
  }

  /**
   * Hands an agent a state to load (AutoGen's {@code agent_load_state}): what
   * {@link #saveState(AgentId)} returned, from this agent or another.
   *
   * @return completes once the agent has loaded it
   */
  default Future<Void> loadState(AgentId agent, JsonObject state) {
    return send(new LoadStateRequest(state), agent, null, Object.class).mapEmpty();
  }

  /**
   * @param id an agent id
   * @return the node that hosts (or would activate) the agent in this node's current view, or null
   *     when no live node may host its type
   */
  String ownerOf(AgentId id);

  /** @return the payload types of this runtime */
  PayloadTypes payloadTypes();

  /** @return the agents active on this node */
  Set<AgentId> localAgents();

  /**
   * @return each agent active on this node with the messages it received and sent since its
   *     activation and its last activity (inline proxies of foreign agents included)
   */
  List<AgentStats> localAgentStats();

  /** @return the node */
  Node node();

  /**
   * Observes agent lifecycle events of the whole cluster.
   *
   * @return a handle whose {@code close()} removes the handler
   */
  AutoCloseable onLifecycle(Handler<LifecycleEvent> handler);

  /**
   * Stops gracefully: this node's types are withdrawn (others stop routing here), in-flight
   * messages drain, agents are deactivated and their state saved.
   */
  Future<Void> close();
}
