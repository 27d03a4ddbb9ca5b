package io.agentbus.agent.impl;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentContext;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.TopicId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * An agent registered {@code inline}: its handlers run on the delivering thread, without a verticle
 * of its own (no thread hop). For stateless, thread-safe agents such as proxies of foreign agents.
 */
final class InlineAgent implements AgentContext {

  private final AgentId id;
  private final AgentRuntimeImpl runtime;
  private final Handlers handlers;

  InlineAgent(AgentId id, Agent agent, AgentRuntimeImpl runtime) {
    this.id = id;
    this.runtime = runtime;
    agent.init(this);
    this.handlers = agent.handlers();
  }

  Future<Object> dispatch(Envelope e) {
    return HandlerInvoker.invoke(id, handlers, e, runtime.payloadTypes());
  }

  @Override
  public AgentId id() {
    return id;
  }

  @Override
  public String nodeId() {
    return runtime.nodeId();
  }

  @Override
  public Vertx vertx() {
    return runtime.node().vertx();
  }

  @Override
  public Future<Void> publish(Object message, TopicId topic) {
    return runtime.publish(message, topic, id);
  }

  @Override
  public <R> Future<R> send(Object message, AgentId recipient, Class<R> replyType) {
    return runtime.send(message, recipient, id, replyType, -1);
  }
}
