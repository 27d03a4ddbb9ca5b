package io.agentbus.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** What an activated agent can do: know itself, publish and send as itself. */
public interface AgentContext {

  /** @return the agent's id */
  AgentId id();

  /** @return the id of the node hosting the agent */
  String nodeId();

  /** @return the Vert.x instance (timers, clients), or null in a synchronous test kit */
  Vertx vertx();

  /** Publishes as this agent. */
  Future<Void> publish(Object message, TopicId topic);

  /** Sends as this agent; the reply is converted to {@code replyType}. */
  <R> Future<R> send(Object message, AgentId recipient, Class<R> replyType);
}
