package io.agentbus.node;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeInfo;
import io.agentbus.llm.LlmClient;
import io.agentbus.llm.OpenAiOptions;
import io.agentbus.llm.RiskLevel;
import io.agentbus.llm.ToolSpec;
import io.agentbus.llm.agent.LlmAgents;
import io.agentbus.llm.agent.RunStore;
import io.agentbus.llm.handoff.HandoffMarket;
import io.agentbus.llm.loop.Budget;
import io.agentbus.llm.loop.BudgetLedger;
import io.agentbus.llm.loop.Guardrails;
import io.agentbus.llm.loop.LoopOptions;
import io.agentbus.llm.loop.PriceTable;
import io.agentbus.llm.loop.Tool;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * The node's LLM agents ({@code --verticles llm}): an {@code assistant} type on every node with
 * the llm verticle, tools that read the market and the cluster, the configured budget (one scope
 * for the whole cluster) and default guardrails.
 */
final class LlmSetup {

  /** The agent type the node registers. */
  static final String ASSISTANT = "assistant";

  private LlmSetup() {
  }

  static Future<LlmAgents> start(Node node, AgentRuntime runtime, LlmConfig config, MarketVerticle market) {
    Clock clock = Clock.systemUTC();
    LlmClient client = LlmClient.openAi(node.vertx(), new OpenAiOptions().setBaseUrl(config.baseUrl()).setApiKey(config.apiKey()));
    Budget budget = new Budget().setScope("assistant").setMaxDailyCostUsd(config.maxDailyCostUsd())
        .setMaxTokensPerRun(config.maxTokensPerRun()).setMaxToolCallsPerMinute(config.maxToolCallsPerMinute())
        .setPrices(PriceTable.empty().price(config.model(), config.promptPricePer1k(), config.completionPricePer1k()));
    LoopOptions options = new LoopOptions().setModel(config.model()).setBudget(budget)
        .setMaxTokensPerCall(config.maxTokensPerCall()).setHandoffs(true)
        .setInstructions("You are the operator's assistant for an agentbus cluster running a multi-microgrid market. "
            + "Use the tools to read the market and the cluster; answer briefly.")
        .setGuardrails(Guardrails.of(RiskLevel.MEDIUM, List.of("(?i)ignore (all|previous) instructions", "\\b\\d{3}-\\d{2}-\\d{4}\\b")))
        .addTool(Tool.of(new ToolSpec("market_state", "The latest market step: price, trades and per-microgrid results.",
            new JsonObject().put("type", "object").put("properties", new JsonObject()), RiskLevel.LOW), args -> {
              JsonObject latest = market == null ? null : market.latest();
              return latest == null ? new JsonObject().put("error", "no market step seen on this node yet") : latest;
            }))
        .addTool(Tool.of(new ToolSpec("cluster_nodes", "The nodes of the cluster with their cores, memory and labels.",
            new JsonObject().put("type", "object").put("properties", new JsonObject()), RiskLevel.LOW), args -> {
              JsonArray nodes = new JsonArray();
              for (NodeInfo i : node.knownMembers()) {
                nodes.add(i.toJson());
              }
              return new JsonObject().put("nodes", nodes);
            }));
    return LlmAgents.install(runtime, client, BudgetLedger.shared(node.vertx(), clock), HandoffMarket.shared(node.vertx(), clock),
        RunStore.shared(node.vertx()), clock)
        .compose(llm -> llm.register(ASSISTANT, options, Set.of("chat", "market"),
            io.agentbus.agent.RegistrationOptions.defaults().withIdleTimeout(java.time.Duration.ofSeconds(config.idleSeconds()))
                .withMaxActive(config.maxActiveAgents())).map(llm));
  }
}
