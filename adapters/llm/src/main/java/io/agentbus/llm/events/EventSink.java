package io.agentbus.llm.events;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.llm.agent.Intention;
import io.agentbus.llm.agent.ToolAudit;
import io.agentbus.llm.events.impl.BusEventSink;
import io.agentbus.llm.events.impl.CompositeEventSink;
import io.agentbus.llm.handoff.HandoffOffer;
import io.vertx.core.Future;

/**
 * Where an LLM agent's events go: its intentions (each model answer), its tool audit (each tool
 * call) and the handoff offers it makes. The default, {@link #bus(AgentRuntime)}, publishes them
 * on agent topics; the Pub/Sub sink ({@code io.agentbus.gcp.PubSubEventSink}) publishes them on
 * Pub/Sub topics {@code {workspace}}, {@code {workspace}-tools} and {@code {workspace}-handoff}.
 *
 * <p>Sinks are fire-and-observe: the run does not wait for them, a failed publish is logged and
 * counted by the caller, never a reason to fail a run.
 */
public interface EventSink {

  /** Publishes one intention. */
  Future<Void> intention(String agentType, Intention intention);

  /** Publishes one tool audit record. */
  Future<Void> toolAudit(String agentType, ToolAudit audit);

  /** Publishes a handoff offer that was just recorded in the market. */
  Future<Void> handoffOffered(HandoffOffer offer);

  /** Publishes that a budget scope crossed 80 % of its daily cap. */
  Future<Void> budgetWarning(io.agentbus.llm.agent.BudgetWarning warning);

  /** Flushes and releases the sink. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /**
   * @param runtime the node's runtime
   * @return the default sink: intentions on {@code (agentbus.llm.intention, <type>)}, audit on
   *     {@code (agentbus.llm.tool-audit, <type>)}; offers are already on the bus through the market
   */
  static EventSink bus(AgentRuntime runtime) {
    return new BusEventSink(runtime);
  }

  /**
   * @param sinks sinks that all get every event
   * @return a sink that publishes to each, succeeding when all did
   */
  static EventSink all(EventSink... sinks) {
    return new CompositeEventSink(java.util.List.of(sinks));
  }

  /**
   * The seed's broadcast token bucket: intentions and tool audit records beyond
   * {@code perSecond} (bursts up to {@code burst}) are dropped and counted, so a runaway agent
   * cannot flood every subscriber; handoff offers and budget warnings always pass.
   *
   * @param sink where what passes goes
   * @param perSecond the sustained rate
   * @param burst the bucket's size
   * @return the limited sink, which counts what it dropped
   */
  static RateLimited rateLimited(EventSink sink, double perSecond, int burst) {
    return new io.agentbus.llm.events.impl.RateLimitedEventSink(sink, perSecond, burst, System::nanoTime);
  }

  /** A sink behind the broadcast token bucket ({@link #rateLimited}). */
  interface RateLimited extends EventSink {
    /** @return the events dropped so far for exceeding the rate */
    long dropped();
  }
}
