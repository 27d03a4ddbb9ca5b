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
  private final AgentRuntimeImpl runtime;
  private final Agent agent;
  private final Handlers handlers;
  private final AgentActivity activity = new AgentActivity();

  InlineAgent(AgentId id, Agent agent, AgentRuntimeImpl runtime) {
    this.id = id;
    this.runtime = runtime;
    this.agent = agent;
    agent.init(new AgentContextImpl(id, runtime, activity));
    this.handlers = agent.handlers();
  }

  Future<Object> dispatch(Envelope e) {
    activity.received();
    return HandlerInvoker.invoke(id, agent, handlers, e, runtime.payloadTypes());
  }

  io.agentbus.agent.AgentStats stats() {
    return activity.stats(id);
  }

}
