package io.agentbus.llm.events.impl;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.TopicId;
import io.agentbus.llm.agent.Intention;
import io.agentbus.llm.agent.LlmAgent;
import io.agentbus.llm.agent.ToolAudit;
import io.agentbus.llm.events.EventSink;
import io.agentbus.llm.handoff.HandoffOffer;
import io.vertx.core.Future;

/** {@link EventSink} on agent topics of the runtime (sender: none, source: the agent type). */
public final class BusEventSink implements EventSink {

  private final AgentRuntime runtime;

  /** @param runtime the node's runtime */
  public BusEventSink(AgentRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public Future<Void> intention(String agentType, Intention intention) {
    return runtime.publish(intention, new TopicId(LlmAgent.INTENTION_TOPIC, agentType), null);
  }

  @Override
  public Future<Void> toolAudit(String agentType, ToolAudit audit) {
    return runtime.publish(audit, new TopicId(LlmAgent.TOOL_AUDIT_TOPIC, agentType), null);
  }

  @Override
  public Future<Void> budgetWarning(io.agentbus.llm.agent.BudgetWarning warning) {
    return runtime.publish(warning, new TopicId(LlmAgent.BUDGET_WARNING_TOPIC, warning.scope()), null);
  }

  @Override
  public Future<Void> handoffOffered(HandoffOffer offer) {
    return Future.succeededFuture();  // the market announces offers on the bus itself
  }
}
