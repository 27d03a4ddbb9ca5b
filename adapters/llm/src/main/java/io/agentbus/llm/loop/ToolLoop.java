package io.agentbus.llm.loop;

import io.agentbus.llm.ChatCompletion;
import io.agentbus.llm.ChatMessage;
import io.agentbus.llm.ChatRequest;
import io.agentbus.llm.LlmClient;
import io.agentbus.llm.RiskLevel;
import io.agentbus.llm.ToolCall;
import io.agentbus.llm.ToolSpec;
import io.agentbus.llm.handoff.HandoffMarket;
import io.agentbus.llm.handoff.HandoffOffer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The LLM agent's tool loop: ask the model, run the tools it asks for, feed the results back,
 * until it answers without tools, a limit is reached, a guardrail blocks, or it hands off.
 *
 * <p>{@link #run} never fails: every outcome, errors included, is a {@link LoopResult}. It never
 * blocks: model calls, tools and the ledger are futures.
 */
public final class ToolLoop {

  /** The built-in tool the model calls to hand a task off. */
  public static final String HANDOFF_TOOL = "handoff";

  private static final Logger LOG = LoggerFactory.getLogger(ToolLoop.class);
  private static final ToolSpec HANDOFF_SPEC = new ToolSpec(HANDOFF_TOOL,
      "Hand the task to another agent that has the required capabilities.",
      new JsonObject().put("type", "object")
          .put("properties", new JsonObject()
              .put("task", new JsonObject().put("type", "string"))
              .put("required_capabilities", new JsonObject().put("type", "array")
                  .put("items", new JsonObject().put("type", "string")))
              .put("ttl_seconds", new JsonObject().put("type", "integer")))
          .put("required", new JsonArray().add("task").add("required_capabilities")),
      RiskLevel.LOW);

  private final String agent;
  private final LlmClient client;
  private final BudgetLedger ledger;
  private final HandoffMarket market;
  private final LoopOptions options;
  private final RunObserver observer;
  private final Clock clock;
  private final io.agentbus.llm.snapshot.SnapshotStore snapshots;
  private LoopTelemetry telemetry = LoopTelemetry.NONE;

  /**
   * @param agent who runs (agent type/key), as recorded in events and offers
   * @param client the model
   * @param ledger the shared budget accounts
   * @param market where handoffs are offered (null: no handoffs, whatever the options say)
   * @param options model, tools, limits, guardrails
   * @param observer intention, audit and result events
   * @param clock the clock offers expire by
   */
  public ToolLoop(String agent, LlmClient client, BudgetLedger ledger, HandoffMarket market, LoopOptions options,
                  RunObserver observer, Clock clock) {
    this(agent, client, ledger, market, null, options, observer, clock);
  }

  /**
   * @param agent who runs (agent type/key), as recorded in events and offers
   * @param client the model
   * @param ledger the shared budget accounts
   * @param market where handoffs are offered (null: no handoffs, whatever the options say)
   * @param snapshots where the run's context is saved at a handoff and at its end (null: never)
   * @param options model, tools, limits, guardrails
   * @param observer intention, audit and result events
   * @param clock the clock offers expire by
   */
  public ToolLoop(String agent, LlmClient client, BudgetLedger ledger, HandoffMarket market,
                  io.agentbus.llm.snapshot.SnapshotStore snapshots, LoopOptions options, RunObserver observer, Clock clock) {
    this.snapshots = snapshots;
    this.agent = agent;
    this.client = client;
    this.ledger = ledger;
    this.market = market;
    this.options = options;
    this.observer = observer;
    this.clock = clock;
  }

  /**
   * @param telemetry where this loop's spans and GenAI metrics go
   * @return this
   */
  public ToolLoop withTelemetry(LoopTelemetry telemetry) {
    this.telemetry = java.util.Objects.requireNonNull(telemetry, "telemetry");
    return this;
  }

  /** One run's mutable state (confined to the run's context). */
  private final class Run {
    final String id;
    io.opentelemetry.api.trace.Span span = io.opentelemetry.api.trace.Span.getInvalid();
    final List<ChatMessage> messages = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    final List<ToolSpec> offered = new ArrayList<>();
    int iterations;
    long tokens;
    int toolCalls;
    long costMicroUsd;

    Run(String id) {
      this.id = id;
    }

    LoopResult end(LoopExit exit, JsonObject payload) {
      LoopResult result = new LoopResult(id, exit, payload, iterations, tokens, toolCalls, costMicroUsd, errors);
      report(span, () -> observer.runFinished(agent, result));
      return result;
    }

    LoopResult fail(LoopExit exit, String reason) {
      errors.add(reason);
      return end(exit, new JsonObject().put("reason", reason));
    }
  }

  /**
   * @param runId the run's id (unique)
   * @param message the user's message
   * @param context extra context for the model (may be empty)
   * @return how the run ended; never a failed future
   */
  public Future<LoopResult> run(String runId, String message, JsonObject context) {
    return run(runId, message, context, null);
  }

  /**
   * Runs, continuing a conversation another run handed off: the model sees its transcript (as
   * one system message after the instructions) before the task.
   *
   * @param runId the run's id (unique)
   * @param message the user's message (the task)
   * @param context extra context for the model (may be empty)
   * @param continuing the earlier run's context, or null
   * @return how the run ended; never a failed future
   */
  public Future<LoopResult> run(String runId, String message, JsonObject context,
                                io.agentbus.llm.snapshot.ContextSnapshot continuing) {
    Run run = new Run(runId);
    run.span = telemetry.run(io.opentelemetry.context.Context.current(), agent, runId);
    return start(run, message, context, continuing).onSuccess(result -> telemetry.runEnded(run.span, result));
  }

  private Future<LoopResult> start(Run run, String message, JsonObject context,
                                   io.agentbus.llm.snapshot.ContextSnapshot continuing) {
    String runId = run.id;
    report(run.span, () -> observer.runStarted(runId, agent, message));
    Guardrails guard = options.getGuardrails();
    Optional<String> blocked = guard.check("user message", message);
    if (blocked.isEmpty() && context != null && !context.isEmpty()) {
      blocked = guard.check("context", context.encode());
    }
    if (blocked.isPresent()) {
      return Future.succeededFuture(run.fail(LoopExit.GUARDRAIL_BLOCK, blocked.get()));
    }
    run.messages.add(ChatMessage.system(options.getInstructions()));
    if (continuing != null && !continuing.messages().isEmpty()) {
      String transcript = continuing.transcript();
      Optional<String> bad = guard.check("handed-off conversation", transcript);
      if (bad.isPresent()) {
        return Future.succeededFuture(run.fail(LoopExit.GUARDRAIL_BLOCK, bad.get()));
      }
      run.messages.add(ChatMessage.system("Conversation so far (run " + continuing.runId() + " of " + continuing.agent()
          + " handed it to you):\n" + transcript));
    }
    if (context != null && !context.isEmpty()) {
      run.messages.add(ChatMessage.system("Context: " + context.encode()));
    }
    run.messages.add(ChatMessage.user(message));
    for (ToolSpec spec : options.toolSpecs()) {
      if (guard.allows(spec)) {
        run.offered.add(spec);
      }
    }
    if (options.isHandoffs() && market != null) {
      run.offered.add(HANDOFF_SPEC);
    }
    return iterate(run).recover(err -> {
      LOG.warn("run {} of {} failed unexpectedly", runId, agent, err);
      return Future.succeededFuture(run.fail(LoopExit.ERROR, "unexpected: " + err));
    }).compose(result -> result.exit() == LoopExit.HANDOFF ? Future.succeededFuture(result)
        : snapshot(run).map(result));
  }

  /** Saves the run's context (never fails: a lost snapshot is an error of the run, not a failure). */
  private Future<String> snapshot(Run run) {
    if (snapshots == null) {
      return Future.succeededFuture(null);
    }
    io.agentbus.llm.snapshot.ContextSnapshot snap = new io.agentbus.llm.snapshot.ContextSnapshot(run.id, agent, run.messages,
        clock.millis());
    Future<io.agentbus.llm.snapshot.SnapshotRef> saved;
    // within the run's span: a store that traces its client calls (Cloud Storage) puts them under the run
    try (io.opentelemetry.context.Scope ignored = run.span.makeCurrent()) {
      saved = snapshots.save(run.id, snap, 0);
    } catch (RuntimeException e) {
      saved = Future.failedFuture(e);
    }
    return saved.transform(ar -> {
      if (ar.failed()) {
        LOG.warn("run {} of {}: context snapshot not saved: {}", run.id, agent, ar.cause().getMessage());
        run.errors.add("context snapshot not saved: " + ar.cause().getMessage());
        return Future.succeededFuture(null);
      }
      report(run.span, () -> observer.snapshotSaved(run.id, agent, ar.result()));
      return Future.succeededFuture(ar.result().uri());
    });
  }

  private Future<LoopResult> iterate(Run run) {
    if (run.iterations >= options.getMaxIterations()) {
      run.errors.add("reached " + options.getMaxIterations() + " iterations");
      return Future.succeededFuture(run.end(LoopExit.MAX_ITERS, lastAnswer(run)));
    }
    Budget budget = options.getBudget();
    long promptEstimate = estimatePromptTokens(run);
    int maxTokens = options.getMaxTokensPerCall();
    if (budget.getMaxTokensPerRun() > 0) {
      long left = budget.getMaxTokensPerRun() - run.tokens - promptEstimate;
      if (left < 1) {
        return Future.succeededFuture(run.fail(LoopExit.BUDGET_EXCEEDED, "token budget of " + budget.getMaxTokensPerRun()
            + " per run used up (" + run.tokens + " used, next prompt ~" + promptEstimate + ")"));
      }
      maxTokens = (int) Math.min(maxTokens, left);
    }
    String model = options.getModel();
    boolean priced = budget.getPrices().knows(model);
    if (budget.maxDailyMicroUsd() > 0 && !priced) {
      return Future.succeededFuture(run.fail(LoopExit.ERROR, "no price for model '" + model
          + "' while a daily cost cap is set: refusing the call (fail closed)"));
    }
    long reserved = budget.reservationMicroUsd(model, promptEstimate, maxTokens);
    Future<Long> reservation = reserved > 0 ? ledger.reserveCost(budget.getScope(), reserved, budget.maxDailyMicroUsd())
        : Future.succeededFuture(0L);
    ChatRequest request = new ChatRequest(model, run.messages, run.offered, maxTokens);
    return reservation.transform(r -> {
      if (r.failed()) {
        return Future.succeededFuture(budgetFailure(run, r.cause()));
      }
      long cap = budget.maxDailyMicroUsd();
      if (cap > 0 && reserved > 0) {
        long threshold = (long) Math.ceil(cap * io.agentbus.llm.agent.BudgetWarning.THRESHOLD);
        long total = r.result();
        if (total >= threshold && total - reserved < threshold) {
          LOG.warn("budget scope '{}' is at {}% of its daily cap of ${} (run {} of {})", budget.getScope(), total * 100 / cap,
              budget.getMaxDailyCostUsd(), run.id, agent);
          report(run.span, () -> observer.budgetWarning(run.id, agent, budget.getScope(), total, cap));
        }
      }
      run.iterations++;
      io.opentelemetry.api.trace.Span chat = telemetry.chat(run.span, model, request.maxTokens());
      long t0 = System.nanoTime();
      Future<ChatCompletion> call;
      try {
        call = client.complete(request);
      } catch (RuntimeException e) {
        call = Future.failedFuture(e);
      }
      return call.transform(c -> {
        telemetry.chatEnded(chat, model, c.succeeded() ? c.result() : null, c.cause(), System.nanoTime() - t0);
        return Future.succeededFuture(c);
      }).compose(c -> settle(run, model, priced, reserved, c.succeeded() ? c.result() : null)
          .compose(v -> c.succeeded() ? answered(run, c.result())
              : Future.succeededFuture(run.fail(LoopExit.ERROR, "model call failed: " + c.cause().getMessage()))));
    });
  }

  /** Replaces the reservation by the real cost (or releases it when the call failed). */
  private Future<Void> settle(Run run, String model, boolean priced, long reserved, ChatCompletion completion) {
    long actual = completion != null && priced ? options.getBudget().getPrices().microUsd(model, completion.usage()) : 0;
    if (completion != null) {
      run.tokens += completion.usage().totalTokens();
    }
    run.costMicroUsd += actual;
    long delta = actual - reserved;
    if (delta == 0) {
      return Future.succeededFuture();
    }
    return ledger.adjustCost(options.getBudget().getScope(), delta).<Void>mapEmpty().recover(err -> {
      run.errors.add("could not settle the cost of a call: " + err.getMessage());
      return Future.succeededFuture();
    });
  }

  private Future<LoopResult> answered(Run run, ChatCompletion completion) {
    report(run.span, () -> observer.intention(run.id, agent, run.iterations, completion));
    Guardrails guard = options.getGuardrails();
    Optional<String> blocked = guard.check("model answer", completion.content());
    for (ToolCall call : completion.toolCalls()) {
      blocked = blocked.or(() -> guard.check("arguments of tool call " + call.name(), call.arguments().encode()));
    }
    if (blocked.isPresent()) {
      return Future.succeededFuture(run.fail(LoopExit.GUARDRAIL_BLOCK, blocked.get()));
    }
    run.messages.add(ChatMessage.assistant(completion.content(), completion.toolCalls()));
    if (completion.toolCalls().isEmpty()) {
      return Future.succeededFuture(run.end(LoopExit.SATISFIED, answerPayload(completion.content())));
    }
    return callTools(run, completion.toolCalls(), 0);
  }

  private Future<LoopResult> callTools(Run run, List<ToolCall> calls, int index) {
    if (index == calls.size()) {
      return iterate(run);
    }
    ToolCall call = calls.get(index);
    if (call.name().equals(HANDOFF_TOOL) && options.isHandoffs() && market != null) {
      return handoff(run, call);
    }
    Tool tool = options.getTools().get(call.name());
    if (tool == null) {
      return toolAnswer(run, call, "unknown_tool", error("no tool named '" + call.name() + "'"), 0)
          .compose(v -> callTools(run, calls, index + 1));
    }
    if (!options.getGuardrails().allows(tool.spec())) {
      report(run.span, () -> observer.toolAudit(run.id, agent, call, "blocked", new JsonObject().put("risk", tool.spec().risk().name()), 0));
      return Future.succeededFuture(run.fail(LoopExit.GUARDRAIL_BLOCK, "tool '" + call.name() + "' has risk "
          + tool.spec().risk() + ", above the threshold " + options.getGuardrails().riskThreshold()));
    }
    if (call.hasInvalidArguments()) {
      return toolAnswer(run, call, "invalid_arguments", error("arguments are not a JSON object"), 0)
          .compose(v -> callTools(run, calls, index + 1));
    }
    Budget budget = options.getBudget();
    Future<Long> slot = budget.getMaxToolCallsPerMinute() > 0
        ? ledger.acquireToolCall(budget.getScope(), budget.getMaxToolCallsPerMinute()) : Future.succeededFuture(0L);
    return slot.transform(s -> {
      if (s.failed()) {
        if (s.cause() instanceof BudgetExceededException) {
          report(run.span, () -> observer.toolAudit(run.id, agent, call, "rate_limited", new JsonObject(), 0));
        }
        return Future.succeededFuture(budgetFailure(run, s.cause()));
      }
      long t0 = System.nanoTime();
      run.toolCalls++;
      return invoke(run, tool, call).transform(r -> {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (r.failed()) {
          run.errors.add("tool " + call.name() + " failed: " + r.cause().getMessage());
          return toolAnswer(run, call, "error", error(String.valueOf(r.cause().getMessage())), millis)
              .compose(v -> callTools(run, calls, index + 1));
        }
        JsonObject result = r.result() == null ? new JsonObject() : r.result();
        Optional<String> blocked = options.getGuardrails().check("result of tool " + call.name(), result.encode());
        if (blocked.isPresent()) {
          report(run.span, () -> observer.toolAudit(run.id, agent, call, "blocked", new JsonObject().put("reason", blocked.get()), millis));
          return Future.succeededFuture(run.fail(LoopExit.GUARDRAIL_BLOCK, blocked.get()));
        }
        return toolAnswer(run, call, "ok", result, millis).compose(v -> callTools(run, calls, index + 1));
      });
    });
  }

  private Future<JsonObject> invoke(Run run, Tool tool, ToolCall call) {
    io.opentelemetry.api.trace.Span span = telemetry.tool(run.span, call);
    Future<JsonObject> f;
    // the tool runs with its span current: what it sends through the runtime joins the run's trace
    try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) {
      f = tool.call(call.arguments());
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.timeout(options.getToolTimeoutMillis(), TimeUnit.MILLISECONDS)
        .onComplete(ar -> telemetry.toolEnded(span, ar.succeeded() ? "ok" : "error", ar.cause()));
  }

  private Future<Void> toolAnswer(Run run, ToolCall call, String outcome, JsonObject detail, long millis) {
    report(run.span, () -> observer.toolAudit(run.id, agent, call, outcome, detail, millis));
    run.messages.add(ChatMessage.tool(call.id(), detail.encode()));
    return Future.succeededFuture();
  }

  private Future<LoopResult> handoff(Run run, ToolCall call) {
    JsonObject args = call.arguments();
    Set<String> caps = new TreeSet<>();
    JsonArray raw = args.getValue("required_capabilities") instanceof JsonArray ? args.getJsonArray("required_capabilities")
        : new JsonArray();
    raw.forEach(c -> caps.add(String.valueOf(c)));
    long ttl = options.getHandoffTtlMillis();
    Object seconds = args.getValue("ttl_seconds");
    if (seconds instanceof Number && ((Number) seconds).longValue() > 0) {
      ttl = Math.min(ttl, ((Number) seconds).longValue() * 1000);
    }
    String task = args.getString("task", lastUserMessage(run));
    HandoffOffer draft = new HandoffOffer(UUID.randomUUID().toString(), agent, run.id, task, new JsonObject(), caps,
        clock.millis() + ttl);
    io.opentelemetry.api.trace.Span span = telemetry.tool(run.span, call);
    return snapshot(run).compose(uri -> market.offer(draft.withSnapshot(uri)).transform(o -> {
      HandoffOffer offer = draft.withSnapshot(uri);
      telemetry.toolEnded(span, o.succeeded() ? "ok" : "error", o.cause());
      report(run.span, () -> observer.toolAudit(run.id, agent, call, o.succeeded() ? "ok" : "error",
          o.succeeded() ? offer.toJson() : error(o.cause().getMessage()), 0));
      if (o.succeeded()) {
        report(run.span, () -> observer.handoffOffered(run.id, agent, offer));
      }
      return Future.succeededFuture(o.succeeded() ? run.end(LoopExit.HANDOFF, offer.toJson())
          : run.fail(LoopExit.ERROR, "handoff offer failed: " + o.cause().getMessage()));
    }));
  }

  private LoopResult budgetFailure(Run run, Throwable cause) {
    if (cause instanceof BudgetExceededException) {
      return run.fail(LoopExit.BUDGET_EXCEEDED, cause.getMessage());
    }
    return run.fail(LoopExit.ERROR, cause.getMessage());
  }

  private static JsonObject answerPayload(String content) {
    String trimmed = content.trim();
    if (trimmed.startsWith("{")) {
      try {
        return new JsonObject(trimmed);
      } catch (RuntimeException ignored) {
        // plain text that starts with a brace
      }
    }
    return new JsonObject().put("text", content);
  }

  private static JsonObject lastAnswer(Run run) {
    for (int i = run.messages.size() - 1; i >= 0; i--) {
      ChatMessage m = run.messages.get(i);
      if (m.role() == io.agentbus.llm.Role.ASSISTANT && !m.content().isBlank()) {
        return answerPayload(m.content());
      }
    }
    return new JsonObject();
  }

  private static String lastUserMessage(Run run) {
    for (int i = run.messages.size() - 1; i >= 0; i--) {
      if (run.messages.get(i).role() == io.agentbus.llm.Role.USER) {
        return run.messages.get(i).content();
      }
    }
    return "";
  }

  /** Four characters per token plus framing: only used to size reservations before a call. */
  private static long estimatePromptTokens(Run run) {
    long chars = 0;
    for (ChatMessage m : run.messages) {
      chars += m.content().length() + 16;
      for (ToolCall c : m.toolCalls()) {
        chars += c.name().length() + c.arguments().encode().length();
      }
    }
    for (ToolSpec t : run.offered) {
      chars += t.name().length() + t.description().length() + t.parameters().encode().length();
    }
    return chars / 4 + 1;
  }

  private static JsonObject error(String message) {
    return new JsonObject().put("error", message);
  }

  /** Calls an observer with the run's span current (what it publishes joins the run's trace); never throws. */
  private void report(io.opentelemetry.api.trace.Span span, Runnable event) {
    try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) {
      event.run();
    } catch (RuntimeException e) {
      LOG.warn("run observer failed", e);
    }
  }
}
