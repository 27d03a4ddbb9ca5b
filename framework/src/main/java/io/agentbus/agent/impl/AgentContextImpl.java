package io.agentbus.agent.impl;

import io.agentbus.agent.AgentContext;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.TopicId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** What the runtime gives an agent, hosted or inline: its id, and publish and send as itself. */
final class AgentContextImpl implements AgentContext {

  private final AgentId id;
  private final AgentRuntime runtime;
  private final AgentActivity activity;

  AgentContextImpl(AgentId id, AgentRuntime runtime, AgentActivity activity) {
    this.id = id;
    this.runtime = runtime;
    this.activity = activity;
  }

  /** @return where the agent's traffic is counted */
  AgentActivity activity() {
    return activity;
  }

  @Override
  public AgentId id() {
    return id;
  }

  @Override
  public String nodeId() {
    return runtime.node().id();
  }

  @Override
  public Vertx vertx() {
    return runtime.node().vertx();
  }

  @Override
  public Future<Void> publish(Object message, TopicId topic) {
    activity.sent();
    return runtime.publish(message, topic, id);
  }

  @Override
  public <R> Future<R> send(Object message, AgentId recipient, Class<R> replyType) {
    activity.sent();
    return runtime.send(message, recipient, id, replyType, -1);
  }
}
