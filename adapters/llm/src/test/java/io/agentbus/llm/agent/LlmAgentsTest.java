package io.agentbus.llm.agent;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.TypeSubscription;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.llm.FakeOpenAi;
import io.agentbus.llm.LlmClient;
import io.agentbus.llm.OpenAiOptions;
import io.agentbus.llm.RiskLevel;
import io.agentbus.llm.ToolSpec;
import io.agentbus.llm.handoff.HandoffMarket;
import io.agentbus.llm.loop.Budget;
import io.agentbus.llm.loop.BudgetLedger;
import io.agentbus.llm.loop.LoopExit;
import io.agentbus.llm.loop.LoopOptions;
import io.agentbus.llm.loop.LoopResult;
import io.agentbus.llm.loop.PriceTable;
import io.agentbus.llm.loop.Tool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.test.fakecluster.FakeClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** LLM agents on a two-node (fake-cluster) runtime, talking to an OpenAI-protocol server. */
class LlmAgentsTest {

  private final List<Node> nodes = new ArrayList<>();
  private final List<AgentRuntime> runtimes = new ArrayList<>();
  private final List<LlmAgents> llms = new ArrayList<>();
  private FakeOpenAi model;

  @BeforeEach
  void start() {
    for (int i = 0; i < 2; i++) {
      Vertx v = await(Vertx.builder().withClusterManager(new FakeClusterManager()).buildClustered());
      Node n = await(Node.attach(v, new NodeOptions().setNodeName("n" + i)));
      nodes.add(n);
      runtimes.add(await(AgentRuntime.create(n, new AgentRuntimeOptions())));
    }
    model = FakeOpenAi.start(nodes.get(0).vertx());
    for (int i = 0; i < 2; i++) {
      Vertx v = nodes.get(i).vertx();
      llms.add(await(LlmAgents.install(runtimes.get(i), LlmClient.openAi(v, new OpenAiOptions().setBaseUrl(model.baseUrl())
          .setMaxRetries(0)), BudgetLedger.shared(v, Clock.systemUTC()), HandoffMarket.shared(v, Clock.systemUTC()),
          RunStore.shared(v), Clock.systemUTC())));
    }
  }

  @AfterEach
  void stop() {
    model.close();
    for (int i = 0; i < nodes.size(); i++) {
      await(llms.get(i).close());
      await(runtimes.get(i).close());
      await(nodes.get(i).close());
    }
    FakeClusterManager.reset();
  }

  private static LoopOptions assistant() {
    return new LoopOptions().setModel("m").setHandoffs(true)
        .setBudget(new Budget().setScope("assistants").setMaxDailyCostUsd(10).setPrices(PriceTable.empty().price("m", 1, 1)))
        .addTool(Tool.of(new ToolSpec("clock", "the time", null, RiskLevel.LOW), a -> new JsonObject().put("now", "noon")));
  }

  @Test
  void aRunOnEitherNodeUsesToolsPublishesIntentionsAndIsStored() {
    List<Object> audit = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 2; i++) {
      await(llms.get(i).register("assistant", assistant(), Set.of("chat")));
      await(runtimes.get(i).register("watcher", id -> new Agent() {
        @Override
        public Handlers handlers() {
          return Handlers.builder().otherwise((p, ctx) -> {
            audit.add(p.type());
            return Future.succeededFuture();
          }).build();
        }
      }));
    }
    await(runtimes.get(0).addSubscription(new TypeSubscription(LlmAgent.TOOL_AUDIT_TOPIC, "watcher")));
    await(runtimes.get(0).addSubscription(new TypeSubscription(LlmAgent.INTENTION_TOPIC, "watcher")));
    model.thenToolCall("c1", "clock", "{}", 100, 10).thenAnswer("It is noon.", 120, 5);
    LoopResult r = await(llms.get(1).run(new AgentId("assistant", "alice"), "What time is it?", null));
    assertThat(r.exit()).isEqualTo(LoopExit.SATISFIED);
    assertThat(r.payload().getString("text")).isEqualTo("It is noon.");
    assertThat(r.costMicroUsd()).isEqualTo(235_000);  // 235 tokens at $1 per 1,000
    until("intentions and audit seen", Duration.ofSeconds(5), () -> audit.size() == 3);
    assertThat(audit).containsExactlyInAnyOrder("Intention", "Intention", "ToolAudit");
    JsonObject stored = await(RunStore.shared(nodes.get(0).vertx()).get(r.runId()));
    assertThat(stored.getString("message")).isEqualTo("What time is it?");
    assertThat(stored.getJsonObject("result").getString("exit")).isEqualTo("SATISFIED");
    assertThat(stored.getJsonArray("interactions")).hasSize(3);
    JsonObject dash = await(llms.get(0).dashboard());
    JsonObject dash1 = await(llms.get(1).dashboard());
    long runsSeen = dash.getJsonObject("exits").getLong("SATISFIED", 0L) + dash1.getJsonObject("exits").getLong("SATISFIED", 0L);
    assertThat(runsSeen).isEqualTo(1);
    assertThat(dash.getJsonObject("budgets").getJsonObject("assistants").getDouble("costUsdToday")).isEqualTo(0.235);
  }

  @Test
  void aHandoffIsClaimedByExactlyOneCapableAgentWhichRunsTheTask() {
    for (int i = 0; i < 2; i++) {
      await(llms.get(i).register("writer", assistant(), Set.of("chat")));
      await(llms.get(i).register("reader", new LoopOptions().setModel("m"), Set.of("ocr", "chat")));
      await(llms.get(i).register("reader2", new LoopOptions().setModel("m"), Set.of("ocr")));
    }
    List<JsonObject> results = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 2; i++) {
      await(runtimes.get(i).register("collector", id -> new Agent() {
        @Override
        public Handlers handlers() {
          return Handlers.builder().otherwise((p, ctx) -> {
            results.add(((JsonPayload) p).data());
            return Future.succeededFuture();
          }).build();
        }
      }));
    }
    await(runtimes.get(0).addSubscription(new TypeSubscription(LlmAgent.HANDOFF_RESULT_TOPIC, "collector")));
    model.thenToolCall("h", "handoff", "{\"task\":\"read the scan\",\"required_capabilities\":[\"ocr\"]}", 50, 10)
        .thenAnswer("The scan says 42.", 30, 6)
        .thenAnswer("a second claimer must never get here", 1, 1);
    LoopResult r = await(llms.get(0).run(new AgentId("writer", "w1"), "Please read this scanned page", null));
    assertThat(r.exit()).isEqualTo(LoopExit.HANDOFF);
    String offerId = r.payload().getString("id");
    until("the claimer's result", Duration.ofSeconds(10), () -> results.size() == 1);
    JsonObject result = results.get(0);
    assertThat(result.getString("offerId")).isEqualTo(offerId);
    assertThat(result.getString("exit")).isEqualTo("SATISFIED");
    assertThat(result.getJsonObject("payload").getString("text")).isEqualTo("The scan says 42.");
    assertThat(result.getString("claimedBy")).isIn("reader/" + offerId, "reader2/" + offerId);
    assertThat(await(HandoffMarket.shared(nodes.get(1).vertx(), Clock.systemUTC()).claimant(offerId)))
        .isEqualTo(result.getString("claimedBy"));
    // the writer (no ocr) did not claim, and only one model call followed the handoff
    long callsAfter = model.received().stream().filter(x -> x.body().encode().contains("read the scan")).count();
    assertThat(callsAfter).isEqualTo(1);
    assertThat(model.received()).hasSize(2);
  }

  @Test
  void anUnknownAgentTypeFailsAtOnce() {
    Throwable err = io.agentbus.testing.Await.awaitFailure(llms.get(0).run(new AgentId("nobody", "x"), "hi", null));
    assertThat(err.getMessage()).contains("nobody");
  }
}
