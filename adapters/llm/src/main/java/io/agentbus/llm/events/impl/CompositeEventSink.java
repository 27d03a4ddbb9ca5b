package io.agentbus.llm.events.impl;

import io.agentbus.llm.agent.Intention;
import io.agentbus.llm.agent.ToolAudit;
import io.agentbus.llm.events.EventSink;
import io.agentbus.llm.handoff.HandoffOffer;
import io.vertx.core.Future;

import java.util.List;
import java.util.function.Function;

/** Several {@link EventSink}s as one: every event to each, done when all are. */
public final class CompositeEventSink implements EventSink {

  private final List<EventSink> sinks;

  /** @param sinks the sinks */
  public CompositeEventSink(List<EventSink> sinks) {
    this.sinks = List.copyOf(sinks);
  }

  private Future<Void> each(Function<EventSink, Future<Void>> op) {
    return Future.all(sinks.stream().map(s -> {
      try {
        return op.apply(s);
      } catch (RuntimeException e) {
        return Future.<Void>failedFuture(e);
      }
    }).toList()).mapEmpty();
  }

  @Override
  public Future<Void> intention(String agentType, Intention intention) {
    return each(s -> s.intention(agentType, intention));
  }

  @Override
  public Future<Void> toolAudit(String agentType, ToolAudit audit) {
    return each(s -> s.toolAudit(agentType, audit));
  }

  @Override
  public Future<Void> budgetWarning(io.agentbus.llm.agent.BudgetWarning warning) {
    return each(s -> s.budgetWarning(warning));
  }

  @Override
  public Future<Void> handoffOffered(HandoffOffer offer) {
    return each(s -> s.handoffOffered(offer));
  }

  @Override
  public Future<Void> close() {
    return Future.join(sinks.stream().map(EventSink::close).toList()).mapEmpty();
  }
}
