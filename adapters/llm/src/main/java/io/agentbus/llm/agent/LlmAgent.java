package io.agentbus.llm.agent;

import io.agentbus.agent.Agent;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.MessageContext;
import io.agentbus.agent.TopicId;
import io.agentbus.llm.ChatCompletion;
import io.agentbus.llm.ToolCall;
import io.agentbus.llm.handoff.HandoffOffer;
import io.agentbus.llm.loop.LoopResult;
import io.agentbus.llm.loop.RunObserver;
import io.agentbus.llm.loop.ToolLoop;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * An LLM agent on the agent runtime: answers {@link RunRequest}s with the tool loop's
 * {@link LoopResult} (as JSON), claims handoff offers it is capable of and runs them, publishes
 * intentions and tool audit records, and stores every run.
 */
public final class LlmAgent extends Agent {

  /** Topic type of intention messages (source: the agent type). */
  public static final String INTENTION_TOPIC = "agentbus.llm.intention";
  /** Topic type of tool audit records (source: the agent type). */
  public static final String TOOL_AUDIT_TOPIC = "agentbus.llm.tool-audit";
  /** Topic type of budget warnings (source: the budget scope). */
  public static final String BUDGET_WARNING_TOPIC = "agentbus.llm.budget-warning";
  /** Topic type of the results of claimed handoffs (source: the offer id). */
  public static final String HANDOFF_RESULT_TOPIC = "agentbus.llm.handoff-result";

  private static final Logger LOG = LoggerFactory.getLogger(LlmAgent.class);
  private final LlmAgents.TypeSpec spec;
  private final LlmAgents services;
  private boolean claimed;

  LlmAgent(LlmAgents.TypeSpec spec, LlmAgents services) {
    this.spec = spec;
    this.services = services;
  }

  @Override
  public Handlers handlers() {
    return Handlers.builder()
        .onRequestAsync(RunRequest.class, (req, ctx) -> run(newRunId(), req.message(), req.context(), ctx)
            .map(LoopResult::toJson))
        .on(HandoffAnnounced.class, (a, ctx) -> claimAndRun(HandoffOffer.fromJson(a.offer()), ctx))
        .build();
  }

  private String self() {
    return context().id().type() + "/" + context().id().key();
  }

  private String newRunId() {
    return context().id().type() + "-" + UUID.randomUUID();
  }

  private Future<LoopResult> run(String runId, String message, JsonObject ctxJson, MessageContext ctx) {
    return run(runId, message, ctxJson, ctx, null);
  }

  private Future<LoopResult> run(String runId, String message, JsonObject ctxJson, MessageContext ctx,
                                 io.agentbus.llm.snapshot.ContextSnapshot continuing) {
    String agent = self();
    long started = System.currentTimeMillis();
    JsonObject doc = new JsonObject().put("runId", runId).put("agent", agent).put("message", message)
        .put("startedAtMillis", started).put("requestedBy", ctx.sender() == null ? null : ctx.sender().toString());
    services.stats().started();
    if (continuing != null) {
      doc.put("continues", continuing.runId());
    }
    io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
    ToolLoop loop = new ToolLoop(agent, services.client(), services.ledger(), services.market(), services.snapshots(),
        spec.options(), observer(doc), services.clock()).withTelemetry(services.telemetry());
    return loop.run(runId, message == null ? "" : message, ctxJson == null ? new JsonObject() : ctxJson, continuing)
        .compose(result -> {
          services.stats().finished(agent, result);
          doc.put("result", result.toJson()).put("finishedAtMillis", System.currentTimeMillis());
          Future<Void> saved;
          // in the handler's trace: a store that traces its client calls (Firestore) puts them under this run
          try (io.opentelemetry.context.Scope ignored = trace.makeCurrent()) {
            saved = services.store().save(doc);
          }
          return saved.transform(s -> {
            if (s.failed()) {
              LOG.warn("run {} could not be stored: {}", runId, s.cause().getMessage());
            }
            return Future.succeededFuture(result);
          });
        });
  }

  private RunObserver observer(JsonObject doc) {
    io.vertx.core.json.JsonArray interactions = new io.vertx.core.json.JsonArray();
    doc.put("interactions", interactions);
    String type = context().id().type();
    return new RunObserver() {
      @Override
      public void intention(String runId, String agent, int iteration, ChatCompletion c) {
        interactions.add(new JsonObject().put("kind", "intention").put("iteration", iteration).put("content", c.content())
            .put("tokens", c.usage().totalTokens()));
        boolean last = c.toolCalls().isEmpty() || c.toolCalls().stream().anyMatch(t -> t.name().equals(ToolLoop.HANDOFF_TOOL));
        JsonObject payload = new JsonObject().put("iteration", iteration).put("content", c.content())
            .put("toolCalls", new io.vertx.core.json.JsonArray(c.toolCalls().stream().map(ToolCall::name).toList()))
            .put("tokens", c.usage().totalTokens());
        emit("intention", services.events().intention(type, new Intention(runId, agent,
            java.time.Instant.ofEpochMilli(services.clock().millis()).toString(), last ? 1.0 : 0.5, payload)));
      }

      @Override
      public void toolAudit(String runId, String agent, ToolCall call, String outcome, JsonObject detail, long millis) {
        // what the run page shows of the call: its arguments and result, each up to 4 KB of JSON
        interactions.add(new JsonObject().put("kind", "tool").put("tool", call.name()).put("outcome", outcome)
            .put("millis", millis).put("arguments", bounded(call.arguments())).put("detail", bounded(detail)));
        emit("tool audit", services.events().toolAudit(type, new ToolAudit(runId, agent, call.name(), call.arguments(), outcome,
            detail, millis)));
      }

      @Override
      public void handoffOffered(String runId, String agent, HandoffOffer offer) {
        doc.put("handoffOffer", offer.id());
        emit("handoff offer", services.events().handoffOffered(offer));
      }

      @Override
      public void budgetWarning(String runId, String agent, String scope, long totalMicroUsd, long capMicroUsd) {
        emit("budget warning", services.events().budgetWarning(new BudgetWarning(scope, totalMicroUsd / 1_000_000.0,
            capMicroUsd / 1_000_000.0, runId, agent, java.time.Instant.ofEpochMilli(services.clock().millis()).toString())));
      }

      @Override
      public void snapshotSaved(String runId, String agent, io.agentbus.llm.snapshot.SnapshotRef ref) {
        doc.put("snapshot", ref.uri());
      }
    };
  }

  /** The offering run's context, or null when the offer names none (or it is gone: the task alone is enough to go on). */
  private Future<io.agentbus.llm.snapshot.ContextSnapshot> continuing(HandoffOffer offer) {
    if (offer.snapshotUri() == null) {
      return Future.succeededFuture(null);
    }
    return services.snapshots().load(offer.snapshotUri()).transform(ar -> {
      if (ar.failed() || ar.result() == null) {
        LOG.warn("{}: snapshot {} of offer {} {}; continuing from the task alone", self(), offer.snapshotUri(), offer.id(),
            ar.failed() ? "unreadable (" + ar.cause().getMessage() + ")" : "not found");
        return Future.succeededFuture(null);
      }
      return Future.succeededFuture(ar.result().snapshot());
    });
  }

  /** How much of a tool call's arguments or result a stored run keeps. */
  static final int STORED_JSON_CHARS = 4_096;

  /** @return {@code json}, or {@code {"truncated": its first 4 KB}} when it is larger */
  static Object bounded(JsonObject json) {
    if (json == null) {
      return null;
    }
    String text = json.encode();
    return text.length() <= STORED_JSON_CHARS ? json : new JsonObject().put("truncated", text.substring(0, STORED_JSON_CHARS));
  }

  private void emit(String what, Future<Void> published) {
    published.onFailure(err -> LOG.warn("{}: {} not published: {}", self(), what, err.getMessage()));
  }

  private void claimAndRun(HandoffOffer offer, MessageContext ctx) {
    if (claimed) {
      return;
    }
    claimed = true;
    services.market().claim(offer.id(), self(), spec.capabilities())
        .onFailure(err -> LOG.debug("{} did not get offer {}: {}", self(), offer.id(), err.getMessage()))
        .compose(won -> continuing(won).compose(snapshot ->
            run(newRunId(), won.task(), won.context().put("handoffFrom", won.fromAgent()), ctx, snapshot)))
        .onSuccess(result -> context().publish(new io.agentbus.agent.JsonPayload("HandoffResult",
            result.toJson().put("offerId", offer.id()).put("claimedBy", self())), new TopicId(HANDOFF_RESULT_TOPIC, offer.id())));
  }
}
