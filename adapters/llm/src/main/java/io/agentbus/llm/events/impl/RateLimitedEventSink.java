package io.agentbus.llm.events.impl;

import io.agentbus.llm.agent.BudgetWarning;
import io.agentbus.llm.agent.Intention;
import io.agentbus.llm.agent.ToolAudit;
import io.agentbus.llm.events.EventSink;
import io.agentbus.llm.handoff.HandoffOffer;
import io.vertx.core.Future;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket in front of an {@link EventSink} for broadcasts (intentions, tool audit): a
 * token per event, {@code perSecond} tokens refilled a second up to {@code burst}; an event that
 * finds no token is dropped (the future succeeds: a dropped broadcast is not the run's failure)
 * and counted. Offers and budget warnings are never limited.
 */
public final class RateLimitedEventSink implements EventSink.RateLimited {

  private final EventSink sink;
  private final double perNano;
  private final int burst;
  private final LongSupplier nanos;
  private final AtomicLong dropped = new AtomicLong();
  private double tokens;
  private long last;

  /**
   * @param sink where events that pass go
   * @param perSecond the sustained rate (more than 0)
   * @param burst the bucket size (1 or more)
   * @param nanos the clock
   */
  public RateLimitedEventSink(EventSink sink, double perSecond, int burst, LongSupplier nanos) {
    if (!(perSecond > 0) || burst < 1) {
      throw new IllegalArgumentException("a broadcast rate is more than 0 per second with a burst of 1 or more");
    }
    this.sink = sink;
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.nanos = nanos;
    this.tokens = burst;
    this.last = nanos.getAsLong();
  }

  private synchronized boolean take() {
    long now = nanos.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) * perNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  @Override
  public long dropped() {
    return dropped.get();
  }

  @Override
  public Future<Void> intention(String agentType, Intention intention) {
    if (!take()) {
      dropped.incrementAndGet();
      return Future.succeededFuture();
    }
    return sink.intention(agentType, intention);
  }

  @Override
  public Future<Void> toolAudit(String agentType, ToolAudit audit) {
    if (!take()) {
      dropped.incrementAndGet();
      return Future.succeededFuture();
    }
    return sink.toolAudit(agentType, audit);
  }

  @Override
  public Future<Void> handoffOffered(HandoffOffer offer) {
    return sink.handoffOffered(offer);
  }

  @Override
  public Future<Void> budgetWarning(BudgetWarning warning) {
    return sink.budgetWarning(warning);
  }

  @Override
  public Future<Void> close() {
    return sink.close();
  }
}
