package io.agentbus.llm.loop;

import io.agentbus.llm.ChatCompletion;
import io.agentbus.llm.FakeOpenAi;
import io.agentbus.llm.LlmClient;
import io.agentbus.llm.OpenAiOptions;
import io.agentbus.llm.RiskLevel;
import io.agentbus.llm.ToolCall;
import io.agentbus.llm.ToolSpec;
import io.agentbus.llm.handoff.HandoffMarket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.agentbus.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The tool loop against an OpenAI-protocol server, with the real client, ledger and market. */
class ToolLoopTest {

  private Vertx vertx;
  private FakeOpenAi model;
  private LlmClient client;
  private MutableClock clock;
  private BudgetLedger ledger;
  private final AtomicInteger adds = new AtomicInteger();
  private final List<String> audit = new CopyOnWriteArrayList<>();
  private final List<LoopResult> finished = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    model = FakeOpenAi.start(vertx);
    client = LlmClient.openAi(vertx, new OpenAiOptions().setBaseUrl(model.baseUrl()).setMaxRetries(0));
    clock = new MutableClock(Instant.parse("2026-11-22T23:58:30Z"));
    ledger = BudgetLedger.shared(vertx, clock);
  }

  @AfterEach
  void stop() {
    model.close();
    await(vertx.close());
  }

  private Tool addTool() {
    return Tool.of(new ToolSpec("add", "adds a and b", new JsonObject().put("type", "object"), RiskLevel.LOW), args -> {
      adds.incrementAndGet();
      return new JsonObject().put("sum", args.getInteger("a") + args.getInteger("b"));
    });
  }

  private Tool wireTool() {
    return Tool.of(new ToolSpec("wire_money", "sends money", null, RiskLevel.HIGH), args -> {
      throw new AssertionError("a blocked tool ran");
    });
  }

  private LoopOptions options() {
    return new LoopOptions().setModel("m1").addTool(addTool()).addTool(wireTool());
  }

  private ToolLoop loop(LoopOptions options) {
    return loop(options, ledger, null);
  }

  private ToolLoop loop(LoopOptions options, BudgetLedger l, HandoffMarket market) {
    RunObserver observer = new RunObserver() {
      @Override
      public void toolAudit(String runId, String agent, ToolCall call, String outcome, JsonObject detail, long millis) {
        audit.add(call.name() + ":" + outcome);
      }

      @Override
      public void runFinished(String agent, LoopResult result) {
        finished.add(result);
      }
    };
    return new ToolLoop("assistant/a1", client, l, market, options, observer, clock);
  }

  private LoopResult run(ToolLoop loop, String message) {
    return await(vertx.getOrCreateContext().<Future<LoopResult>>executeBlocking(() -> loop.run("r" + finished.size(),
        message, new JsonObject()), false).compose(f -> f));
  }

  @Test
  void toolResultsGoBackToTheModelUntilItAnswers() {
    model.thenToolCall("c1", "add", "{\"a\":2,\"b\":3}", 40, 10).thenAnswer("{\"answer\": 5}", 60, 5);
    LoopResult r = run(loop(options()), "what is 2+3?");
    assertThat(r.exit()).isEqualTo(LoopExit.SATISFIED);
    assertThat(r.payload()).isEqualTo(new JsonObject().put("answer", 5));
    assertThat(r.iterations()).isEqualTo(2);
    assertThat(r.toolCalls()).isEqualTo(1);
    assertThat(r.totalTokens()).isEqualTo(115);
    assertThat(audit).containsExactly("add:ok");
    JsonArray second = model.received().get(1).body().getJsonArray("messages");
    JsonObject toolMsg = second.getJsonObject(second.size() - 1);
    assertThat(toolMsg.getString("role")).isEqualTo("tool");
    assertThat(toolMsg.getString("tool_call_id")).isEqualTo("c1");
    assertThat(new JsonObject(toolMsg.getString("content")).getInteger("sum")).isEqualTo(5);
    assertThat(finished).containsExactly(r);
  }

  @Test
  void aModelThatNeverStopsCallingToolsEndsAtTheIterationLimit() {
    for (int i = 0; i < 3; i++) {
      model.thenToolCall("c" + i, "add", "{\"a\":1,\"b\":1}", 10, 2);
    }
    LoopResult r = run(loop(options().setMaxIterations(3)), "loop");
    assertThat(r.exit()).isEqualTo(LoopExit.MAX_ITERS);
    assertThat(r.iterations()).isEqualTo(3);
    assertThat(adds.get()).isEqualTo(3);
  }

  @Test
  void unknownToolsAndMalformedArgumentsAreReportedToTheModelNotRun() {
    model.thenToolCall("c1", "delete_db", "{}", 10, 2).thenToolCall("c2", "add", "{oops", 10, 2).thenAnswer("sorry", 10, 2);
    LoopResult r = run(loop(options()), "x");
    assertThat(r.exit()).isEqualTo(LoopExit.SATISFIED);
    assertThat(audit).containsExactly("delete_db:unknown_tool", "add:invalid_arguments");
    assertThat(adds.get()).isZero();
    String lastTool = model.received().get(2).body().getJsonArray("messages").getJsonObject(5).getString("content");
    assertThat(lastTool).contains("not a JSON object");
  }

  @Test
  void aFailingOrSlowToolIsAnErrorTheModelSees() {
    Tool slow = Tool.of(new ToolSpec("slow", "", null, RiskLevel.LOW), args -> null);
    Tool never = new Tool() {
      @Override
      public ToolSpec spec() {
        return new ToolSpec("never", "", null, RiskLevel.LOW);
      }

      @Override
      public Future<JsonObject> call(JsonObject arguments) {
        return Promise.<JsonObject>promise().future();
      }
    };
    Tool boom = Tool.of(new ToolSpec("boom", "", null, RiskLevel.LOW), args -> {
      throw new IllegalStateException("disk full");
    });
    model.thenToolCall("c1", "boom", "{}", 10, 2).thenToolCall("c2", "never", "{}", 10, 2).thenAnswer("done", 10, 2);
    LoopResult r = run(loop(options().addTool(slow).addTool(never).addTool(boom).setToolTimeoutMillis(200)), "x");
    assertThat(r.exit()).isEqualTo(LoopExit.SATISFIED);
    assertThat(audit).containsExactly("boom:error", "never:error");
    assertThat(r.errors()).anyMatch(e -> e.contains("disk full")).anyMatch(e -> e.contains("never failed"));
  }

  @Test
  void guardrailsBlockTheInputBeforeAnyModelCall() {
    LoopOptions o = options().setGuardrails(Guardrails.of(RiskLevel.MEDIUM, List.of("violence", "\\bssn\\b")));
    LoopResult r = run(loop(o), "Tell me a story full of VIOLENCE");
    assertThat(r.exit()).isEqualTo(LoopExit.GUARDRAIL_BLOCK);
    assertThat(r.payload().getString("reason")).contains("user message").contains("violence");
    assertThat(model.received()).isEmpty();
  }

  @Test
  void guardrailsBlockAnswersToolArgumentsAndToolResults() {
    LoopOptions o = options().setGuardrails(Guardrails.of(RiskLevel.MEDIUM, List.of("secret-\\d+")));
    model.thenAnswer("the code is secret-42", 5, 5);
    assertThat(run(loop(o), "q").exit()).isEqualTo(LoopExit.GUARDRAIL_BLOCK);

    model.thenToolCall("c1", "add", "{\"a\":1,\"b\":1,\"note\":\"secret-7\"}", 5, 5);
    LoopResult args = run(loop(o), "q");
    assertThat(args.exit()).isEqualTo(LoopExit.GUARDRAIL_BLOCK);
    assertThat(adds.get()).as("the tool did not run").isZero();

    Tool leaky = Tool.of(new ToolSpec("lookup", "", null, RiskLevel.LOW), a -> new JsonObject().put("v", "secret-99"));
    model.thenToolCall("c1", "lookup", "{}", 5, 5).thenAnswer("never asked", 1, 1);
    LoopResult result = run(loop(o.addTool(leaky)), "q");
    assertThat(result.exit()).isEqualTo(LoopExit.GUARDRAIL_BLOCK);
    assertThat(result.payload().getString("reason")).contains("result of tool lookup");
    assertThat(model.received()).hasSize(3);
  }

  @Test
  void toolsAboveTheRiskThresholdAreNotOfferedAndNotRun() {
    LoopOptions o = options().setGuardrails(Guardrails.of(RiskLevel.MEDIUM, List.of()));
    model.thenToolCall("c1", "wire_money", "{\"to\":\"x\"}", 5, 5);
    LoopResult r = run(loop(o), "pay");
    assertThat(r.exit()).isEqualTo(LoopExit.GUARDRAIL_BLOCK);
    assertThat(r.payload().getString("reason")).contains("wire_money").contains("HIGH");
    assertThat(audit).containsExactly("wire_money:blocked");
    List<String> offered = new ArrayList<>();
    model.received().get(0).body().getJsonArray("tools").forEach(t -> offered.add(((JsonObject) t)
        .getJsonObject("function").getString("name")));
    assertThat(offered).containsExactly("add");
  }

  @Test
  void theTokenBudgetShrinksCallsAndStopsTheRun() {
    LoopOptions o = options().setBudget(new Budget().setMaxTokensPerRun(300)).setMaxTokensPerCall(1000);
    model.thenToolCall("c1", "add", "{\"a\":1,\"b\":1}", 150, 140).thenAnswer("x", 10, 10);
    LoopResult r = run(loop(o), "q");
    assertThat(r.exit()).isEqualTo(LoopExit.BUDGET_EXCEEDED);
    assertThat(r.payload().getString("reason")).contains("token budget of 300");
    int firstMax = model.received().get(0).body().getInteger("max_tokens");
    assertThat(firstMax).isLessThan(300).isGreaterThan(200);
    assertThat(model.received()).hasSize(1);
  }

  @Test
  void theDailyCostCapIsSharedAndResetsWithTheDay() {
    PriceTable prices = PriceTable.empty().price("m1", 1.0, 2.0);  // $ per 1k tokens
    LoopOptions o = options().setMaxTokensPerCall(100)
        .setBudget(new Budget().setScope("fleet").setMaxDailyCostUsd(0.5).setPrices(prices));
    // each run: one call, reserved up front (~prompt/4 * $0.001 + 100 * $0.002), settled to 100+50 tokens
    for (int i = 0; i < 10; i++) {
      model.thenAnswer("ok", 100, 50);
    }
    List<LoopExit> exits = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      exits.add(run(loop(o), "q").exit());
    }
    // $0.2 per run, each reserving more than $0.2 first: two fit in $0.5, the third's reservation does not
    assertThat(exits).containsExactly(LoopExit.SATISFIED, LoopExit.SATISFIED, LoopExit.BUDGET_EXCEEDED,
        LoopExit.BUDGET_EXCEEDED);
    assertThat(finished.get(2).payload().getString("reason")).contains("daily cost cap of $0.5000").contains("'fleet'");
    assertThat(model.received()).hasSize(2);
    assertThat(await(ledger.usage("fleet")).costMicroUsdToday()).isEqualTo(400_000);
    assertThat(finished.get(0).costMicroUsd()).isEqualTo(200_000);
    clock.advance(Duration.ofMinutes(2));  // past midnight UTC: a new day
    assertThat(run(loop(o), "q").exit()).isEqualTo(LoopExit.SATISFIED);
    assertThat(await(ledger.usage("fleet")).costMicroUsdToday()).isEqualTo(200_000);
  }

  @Test
  void aModelWithoutAPriceIsNotCalledUnderACostCap() {
    LoopOptions o = options().setBudget(new Budget().setMaxDailyCostUsd(1));
    LoopResult r = run(loop(o), "q");
    assertThat(r.exit()).isEqualTo(LoopExit.ERROR);
    assertThat(r.payload().getString("reason")).contains("no price for model 'm1'").contains("fail closed");
    assertThat(model.received()).isEmpty();
  }

  @Test
  void theToolRateIsPerMinuteAndTheMinuteReallyResets() {
    LoopOptions o = options().setBudget(new Budget().setScope("tools").setMaxToolCallsPerMinute(2));
    for (int i = 0; i < 3; i++) {
      model.thenToolCall("c" + i, "add", "{\"a\":1,\"b\":1}", 5, 5);
    }
    LoopResult r = run(loop(o), "q");
    assertThat(r.exit()).isEqualTo(LoopExit.BUDGET_EXCEEDED);
    assertThat(r.payload().getString("reason")).contains("2 per minute");
    assertThat(adds.get()).isEqualTo(2);
    assertThat(audit).containsExactly("add:ok", "add:ok", "add:rate_limited");
    clock.advance(Duration.ofSeconds(60));
    model.thenToolCall("c9", "add", "{\"a\":1,\"b\":1}", 5, 5).thenAnswer("2", 5, 5);
    assertThat(run(loop(o), "q").exit()).isEqualTo(LoopExit.SATISFIED);
    assertThat(adds.get()).isEqualTo(3);
  }

  @Test
  void anUnreachableLedgerStopsTheRunBeforeTheModelIsCalled() {
    BudgetLedger down = new BudgetLedger() {
      private Future<Long> fail() {
        return Future.failedFuture(new LedgerUnavailableException("budget ledger: cannot reserve cost (partition lost)", null));
      }

      @Override
      public Future<Long> reserveCost(String scope, long microUsd, long capMicroUsd) {
        return fail();
      }

      @Override
      public Future<Long> adjustCost(String scope, long deltaMicroUsd) {
        return fail();
      }

      @Override
      public Future<Long> acquireToolCall(String scope, int perMinute) {
        return fail();
      }

      @Override
      public Future<Usage> usage(String scope) {
        return Future.failedFuture("down");
      }
    };
    LoopOptions o = options().setBudget(new Budget().setMaxDailyCostUsd(5).setPrices(PriceTable.empty().fallback(1, 1)));
    LoopResult r = run(loop(o, down, null), "q");
    assertThat(r.exit()).isEqualTo(LoopExit.ERROR);
    assertThat(r.payload().getString("reason")).contains("budget ledger");
    assertThat(model.received()).isEmpty();
  }

  @Test
  void aModelFailureEndsTheRunWithTheReason() {
    model.thenError(400, "context_length_exceeded", null);
    LoopResult r = run(loop(options()), "q");
    assertThat(r.exit()).isEqualTo(LoopExit.ERROR);
    assertThat(r.errors().get(0)).contains("context_length_exceeded");
  }

  @Test
  void aBlockingToolRunsOnAWorkerThreadNotTheEventLoop() {
    Tool slowIo = Tool.blocking(vertx, new ToolSpec("read_file", "", null, RiskLevel.LOW),
        args -> new JsonObject().put("worker", io.vertx.core.Context.isOnWorkerThread())
            .put("eventLoop", io.vertx.core.Context.isOnEventLoopThread()));
    model.thenToolCall("c1", "read_file", "{}", 5, 5).thenAnswer("ok", 5, 5);
    ToolLoop l = loop(options().addTool(slowIo));
    LoopResult r = await(vertx.getOrCreateContext().<Future<LoopResult>>executeBlocking(() -> null, false)
        .compose(x -> l.run("rb", "q", new JsonObject())));
    assertThat(r.exit()).isEqualTo(LoopExit.SATISFIED);
    JsonArray msgs = model.received().get(1).body().getJsonArray("messages");
    JsonObject result = new JsonObject(msgs.getJsonObject(msgs.size() - 1).getString("content"));
    assertThat(result.getBoolean("worker")).isTrue();
    assertThat(result.getBoolean("eventLoop")).isFalse();
  }

  @Test
  void intentionsAreReportedPerIteration() {
    List<Integer> iterations = new CopyOnWriteArrayList<>();
    RunObserver obs = new RunObserver() {
      @Override
      public void intention(String runId, String agent, int iteration, ChatCompletion completion) {
        iterations.add(iteration);
        throw new IllegalStateException("observers may fail");
      }
    };
    model.thenToolCall("c1", "add", "{\"a\":1,\"b\":1}", 5, 5).thenAnswer("2", 5, 5);
    ToolLoop l = new ToolLoop("a/b", client, ledger, null, options(), obs, clock);
    assertThat(run(l, "q").exit()).isEqualTo(LoopExit.SATISFIED);
    assertThat(iterations).containsExactly(1, 2);
  }

  @Test
  void crossingEightyPercentOfTheDailyCapWarnsOnceWhateverTheNumberOfCalls() {
    // $1 a day; each call reserves its prompt estimate plus 100 completion tokens at $1 per 1,000 (~$0.1 + prompt)
    List<String> warnings = new CopyOnWriteArrayList<>();
    LoopOptions options = new LoopOptions().setModel("m1").setMaxTokensPerCall(100)
        .setBudget(new Budget().setScope("team").setMaxDailyCostUsd(1).setPrices(PriceTable.empty().price("m1", 1, 1)));
    RunObserver observer = new RunObserver() {
      @Override
      public void budgetWarning(String runId, String agent, String scope, long totalMicroUsd, long capMicroUsd) {
        warnings.add(scope + ":" + totalMicroUsd + "/" + capMicroUsd);
      }
    };
    int runs = 0;
    for (int i = 0; i < 12; i++) {
      model.thenAnswer("ok", 50, 50);  // $0.1 a run once settled
      ToolLoop loop = new ToolLoop("assistant/a1", client, ledger, null, options, observer, clock);
      LoopResult r = await(vertx.getOrCreateContext().<Future<LoopResult>>executeBlocking(() -> loop.run("w" + warnings.size()
          + "-" + System.nanoTime(), "hi", new JsonObject()), false).compose(f -> f));
      if (r.exit() == LoopExit.BUDGET_EXCEEDED) {
        break;
      }
      runs++;
    }
    assertThat(runs).isBetween(8, 10);
    assertThat(warnings).hasSize(1);
    String[] parts = warnings.get(0).split("[:/]");
    assertThat(parts[0]).isEqualTo("team");
    assertThat(Long.parseLong(parts[1])).isGreaterThanOrEqualTo(800_000L);
    assertThat(Long.parseLong(parts[2])).isEqualTo(1_000_000L);
  }

  @Test
  void theBroadcastBucketDropsIntentionsBeyondItsRateButNeverOffers() {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    List<String> passed = new CopyOnWriteArrayList<>();
    io.agentbus.llm.events.EventSink counting = new io.agentbus.llm.events.EventSink() {
      @Override
      public Future<Void> intention(String agentType, io.agentbus.llm.agent.Intention intention) {
        passed.add("i");
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> toolAudit(String agentType, io.agentbus.llm.agent.ToolAudit audit) {
        passed.add("t");
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> handoffOffered(io.agentbus.llm.handoff.HandoffOffer offer) {
        passed.add("o");
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> budgetWarning(io.agentbus.llm.agent.BudgetWarning warning) {
        passed.add("w");
        return Future.succeededFuture();
      }
    };
    var limited = new io.agentbus.llm.events.impl.RateLimitedEventSink(counting, 10, 5, now::get);
    io.agentbus.llm.agent.Intention intention = new io.agentbus.llm.agent.Intention("r", "a/b", "2026-12-01T00:00:00Z", 0.5, null);
    for (int i = 0; i < 8; i++) {
      await(limited.intention("a", intention));
    }
    assertThat(passed).hasSize(5);  // the burst
    assertThat(limited.dropped()).isEqualTo(3);
    await(limited.handoffOffered(new io.agentbus.llm.handoff.HandoffOffer("o1", "a/b", "r", "t", null, java.util.Set.of(), 1)));
    await(limited.budgetWarning(new io.agentbus.llm.agent.BudgetWarning("s", 0.8, 1, "r", "a/b", "t")));
    assertThat(passed).endsWith("o", "w");
    now.addAndGet(200_000_000L);  // 0.2 s: two tokens at 10 a second
    for (int i = 0; i < 4; i++) {
      await(limited.toolAudit("a", new io.agentbus.llm.agent.ToolAudit("r", "a/b", "t", new JsonObject(), "ok", new JsonObject(), 1)));
    }
    assertThat(passed.stream().filter("t"::equals)).hasSize(2);
    assertThat(limited.dropped()).isEqualTo(5);
  }
}
