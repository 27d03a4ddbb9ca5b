package io.agentbus.agent.impl;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.Handlers;
import io.vertx.core.Future;

/**
 * An agent registered {@code inline}: its handlers run on the delivering thread, without a verticle
 * of its own (no thread hop). For stateless, thread-safe agents such as proxies of foreign agents.
 */
final class InlineAgent {

  private final AgentId id;
  private final io.agentbus.agent.PayloadTypes payloadTypes;
  private final Agent agent;
  private final Handlers handlers;
  private final AgentActivity activity;

  InlineAgent(AgentId id, Agent agent, io.agentbus.agent.PayloadTypes payloadTypes, AgentContextImpl agentContext) {
    this.id = id;
    this.payloadTypes = payloadTypes;
    this.agent = agent;
    this.activity = agentContext.activity();
    agent.init(agentContext);
    this.handlers = agent.handlers();
  }

  Future<Object> dispatch(Envelope e) {
    activity.received();
    return HandlerInvoker.invoke(id, agent, handlers, e, payloadTypes);
  }

  io.agentbus.agent.AgentStats stats() {
    return activity.stats(id);
  }

}
