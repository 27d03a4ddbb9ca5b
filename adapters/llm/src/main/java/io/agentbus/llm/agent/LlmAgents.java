package io.agentbus.llm.agent;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.llm.LlmClient;
import io.agentbus.llm.handoff.HandoffMarket;
import io.agentbus.llm.handoff.HandoffOffer;
import io.agentbus.llm.loop.BudgetLedger;
import io.agentbus.llm.loop.LoopOptions;
import io.agentbus.llm.loop.LoopResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * LLM agents on one node's {@link AgentRuntime}: the services they share (model client, budget
 * ledger, handoff market, run store), the types registered here, and the handoff listener that
 * passes each offer to one agent of every capable type.
 *
 * <pre>{@code
 * LlmAgents llm = LlmAgents.install(runtime, LlmClient.openAi(vertx, opts), BudgetLedger.shared(vertx, clock),
 *     HandoffMarket.shared(vertx, clock), RunStore.shared(vertx), clock).await();
 * llm.register("assistant", new LoopOptions().addTool(search), Set.of("web")).await();
 * LoopResult r = llm.run(new AgentId("assistant", "alice"), "What changed today?", null).await();
 * }</pre>
 */
public final class LlmAgents {

  /** An LLM agent type: how its runs go and what it can claim. */
  public record TypeSpec(String type, LoopOptions options, Set<String> capabilities) {
    /** Validates and copies. */
    public TypeSpec {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(options, "options");
      capabilities = Set.copyOf(capabilities);
    }
  }

  /** How long {@link #run} waits for a run (its model calls and tools) before failing. */
  public static final long RUN_TIMEOUT_MILLIS = 300_000;

  private final AgentRuntime runtime;
  private final LlmClient client;
  private final BudgetLedger ledger;
  private final HandoffMarket market;
  private final RunStore store;
  private final io.agentbus.llm.snapshot.SnapshotStore snapshots;
  private final io.agentbus.llm.events.EventSink events;
  private final Clock clock;
  private volatile io.agentbus.llm.loop.LoopTelemetry telemetry = io.agentbus.llm.loop.LoopTelemetry.NONE;
  private final LlmStats stats = new LlmStats();
  private final Map<String, TypeSpec> types = new ConcurrentHashMap<>();

  private LlmAgents(AgentRuntime runtime, LlmClient client, BudgetLedger ledger, HandoffMarket market, RunStore store,
                    io.agentbus.llm.snapshot.SnapshotStore snapshots, io.agentbus.llm.events.EventSink events, Clock clock) {
    this.runtime = runtime;
    this.snapshots = snapshots;
    this.events = events;
    this.client = client;
    this.ledger = ledger;
    this.market = market;
    this.store = store;
    this.clock = clock;
  }

  /**
   * @param runtime this node's runtime
   * @param client the model
   * @param ledger the budget ledger (cluster-wide)
   * @param market the handoff market (cluster-wide)
   * @param store where runs are kept
   * @param clock the clock budgets and offers go by
   * @return the installed services, listening for handoff offers
   */
  public static Future<LlmAgents> install(AgentRuntime runtime, LlmClient client, BudgetLedger ledger, HandoffMarket market,
                                          RunStore store, Clock clock) {
    return install(runtime, client, ledger, market, store, io.agentbus.llm.snapshot.SnapshotStore.shared(runtime.node().vertx()),
        io.agentbus.llm.events.EventSink.bus(runtime), clock);
  }

  /**
   * @param runtime this node's runtime
   * @param client the model
   * @param ledger the budget ledger (cluster-wide)
   * @param market the handoff market (cluster-wide; with Firestore, across clusters sharing a project)
   * @param store where runs are kept
   * @param snapshots where run contexts are kept for handoffs
   * @param events where intentions, tool audit and offers are published
   * @param clock the clock budgets and offers go by
   * @return the installed services, listening for handoff offers
   */
  public static Future<LlmAgents> install(AgentRuntime runtime, LlmClient client, BudgetLedger ledger, HandoffMarket market,
                                          RunStore store, io.agentbus.llm.snapshot.SnapshotStore snapshots,
                                          io.agentbus.llm.events.EventSink events, Clock clock) {
    LlmAgents agents = new LlmAgents(runtime, client, ledger, market, store, snapshots, events, clock);
    for (Class<?> c : new Class<?>[] {RunRequest.class, HandoffAnnounced.class, Intention.class, ToolAudit.class, BudgetWarning.class}) {
      runtime.payloadTypes().register(c);
    }
    return market.onOffer(agents::announce).map(agents);
  }

  /**
   * Registers an LLM agent type on this node (call it on every node that should host it).
   *
   * @param type the agent type
   * @param options model, instructions, tools, budget, guardrails
   * @param capabilities what its agents can claim in the handoff market
   */
  public Future<Void> register(String type, LoopOptions options, Set<String> capabilities) {
    return register(type, options, capabilities, io.agentbus.agent.RegistrationOptions.defaults());
  }

  /**
   * Registers an LLM agent type with placement and lifecycle options. Types whose agent keys come
   * from outside (an HTTP API) should set an idle timeout and a per-node
   * {@link io.agentbus.agent.RegistrationOptions#maxActive() maxActive}: a run for a new key beyond
   * the cap fails with {@link io.agentbus.agent.AgentCapacityException} and activates nothing.
   *
   * @param type the agent type
   * @param options model, instructions, tools, budget, guardrails
   * @param capabilities what its agents can claim in the handoff market
   * @param registration placement, idle timeout and activation cap on this node
   */
  public Future<Void> register(String type, LoopOptions options, Set<String> capabilities,
                               io.agentbus.agent.RegistrationOptions registration) {
    TypeSpec spec = new TypeSpec(type, options, capabilities);
    types.put(type, spec);
    return runtime.register(type, id -> new LlmAgent(spec, this), registration);
  }

  /**
   * Runs an agent once, wherever it lives in the cluster.
   *
   * @param agent the agent
   * @param message the user's message
   * @param context extra context, or null
   * @return the result (the run's own failures are results; this fails only when the agent
   *     cannot be reached, e.g. an unknown type or a timeout)
   */
  public Future<LoopResult> run(AgentId agent, String message, JsonObject context) {
    TypeSpec spec = types.get(agent.type());
    return (spec == null ? Future.<LoopResult>succeededFuture(null) : admission(spec, agent)).compose(refused -> refused != null
        ? Future.succeededFuture(refused)
        : runtime.send(new RunRequest(message, context), agent, null, JsonObject.class, RUN_TIMEOUT_MILLIS).map(LoopResult::fromJson));
  }

  /**
   * Refuses, before any agent is activated, a run whose first model call could not be reserved
   * under the daily cost cap (the loop would refuse it anyway, after activating the agent), or
   * whose ledger cannot be read (fail closed).
   *
   * @return null to admit, or the refusal
   */
  private Future<LoopResult> admission(TypeSpec spec, AgentId agent) {
    io.agentbus.llm.loop.Budget budget = spec.options().getBudget();
    long cap = budget.maxDailyMicroUsd();
    if (cap <= 0) {
      return Future.succeededFuture(null);
    }
    // the least the loop's first call would reserve (its prompt estimate comes on top)
    long firstCall = budget.reservationMicroUsd(spec.options().getModel(), 0, spec.options().getMaxTokensPerCall());
    return ledger.usage(budget.getScope()).transform(ar -> {
      String reason = ar.failed() ? "the budget ledger could not be read (" + ar.cause().getMessage() + "): refused (fail closed)"
          : ar.result().costMicroUsdToday() < 0 || ar.result().costMicroUsdToday() + firstCall > cap
          ? "daily cost cap of $" + budget.getMaxDailyCostUsd() + " for scope '" + budget.getScope() + "' reached: refused before activation"
          : null;
      if (reason == null) {
        return Future.succeededFuture(null);
      }
      LoopResult refused = new LoopResult("refused-" + java.util.UUID.randomUUID(), io.agentbus.llm.loop.LoopExit.BUDGET_EXCEEDED,
          new JsonObject().put("reason", reason), 0, 0, 0, 0, java.util.List.of(reason));
      stats.started();
      stats.finished(agent.toString(), refused);
      return Future.succeededFuture(refused);
    });
  }

  /** Passes an offer to the agent {@code (type, offerId)} of each capable type this node owns. */
  private void announce(HandoffOffer offer) {
    if (offer.expiredAt(clock.millis())) {
      return;
    }
    for (TypeSpec spec : types.values()) {
      if (!spec.capabilities().containsAll(offer.requiredCapabilities())) {
        continue;
      }
      AgentId claimer = new AgentId(spec.type(), offer.id());
      if (runtime.node().id().equals(runtime.ownerOf(claimer))) {
        runtime.send(new HandoffAnnounced(offer.toJson()), claimer, null);
      }
    }
  }

  /**
   * Traces every run from now on ({@code invoke_agent}, {@code chat}, {@code execute_tool} spans)
   * and records the GenAI metrics.
   *
   * @param telemetry the tracer and meter registry
   * @return this
   */
  public LlmAgents telemetry(io.agentbus.llm.loop.LoopTelemetry telemetry) {
    this.telemetry = java.util.Objects.requireNonNull(telemetry, "telemetry");
    return this;
  }

  io.agentbus.llm.loop.LoopTelemetry telemetry() {
    return telemetry;
  }

  /**
   * @param runId a run's id (from its {@link LoopResult})
   * @return the stored run (request, result, interactions, snapshot), or null
   */
  public Future<JsonObject> storedRun(String runId) {
    if (runId == null || runId.isEmpty() || runId.length() > 200) {
      return Future.succeededFuture(null);
    }
    return store.get(runId);
  }

  /** @return this node's run statistics */
  public LlmStats stats() {
    return stats;
  }

  /** @return the dashboard's view: this node's runs and the budget use of every registered scope */
  public Future<JsonObject> dashboard() {
    JsonObject out = stats.toJson();
    JsonObject budgets = new JsonObject();
    Map<String, io.agentbus.llm.loop.Budget> byScope = new java.util.TreeMap<>();
    types.values().forEach(t -> byScope.putIfAbsent(t.options().getBudget().getScope(), t.options().getBudget()));
    var futures = byScope.values().stream().map(b -> ledger.usage(b.getScope())
        .onSuccess(u -> budgets.put(b.getScope(), new JsonObject().put("costUsdToday", u.costMicroUsdToday() / 1_000_000.0)
            .put("maxDailyCostUsd", b.getMaxDailyCostUsd()).put("toolCallsThisMinute", u.toolCallsThisMinute())
            .put("maxToolCallsPerMinute", b.getMaxToolCallsPerMinute())))).toList();
    return Future.join(futures).transform(v -> Future.succeededFuture(out.put("budgets", budgets)));
  }

  LlmClient client() {
    return client;
  }

  BudgetLedger ledger() {
    return ledger;
  }

  HandoffMarket market() {
    return market;
  }

  RunStore store() {
    return store;
  }

  io.agentbus.llm.snapshot.SnapshotStore snapshots() {
    return snapshots;
  }

  io.agentbus.llm.events.EventSink events() {
    return events;
  }

  Clock clock() {
    return clock;
  }

  /** Stops listening for offers and closes the client, the event sink and the snapshot store. */
  public Future<Void> close() {
    return market.close().eventually(events::close).eventually(snapshots::close).eventually(client::close);
  }
}
