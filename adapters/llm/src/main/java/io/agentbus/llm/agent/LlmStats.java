package io.agentbus.llm.agent;

import io.agentbus.llm.loop.LoopExit;
import io.agentbus.llm.loop.LoopResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;

/** This node's LLM runs: counts by exit, tokens, cost and the latest runs (for the dashboard). */
public final class LlmStats {

  private static final int RECENT = 20;
  private final Map<LoopExit, Long> exits = new EnumMap<>(LoopExit.class);
  private final Deque<JsonObject> recent = new ArrayDeque<>();
  private long running;
  private long tokens;
  private long costMicroUsd;
  private long toolCalls;

  synchronized void started() {
    running++;
  }

  synchronized void finished(String agent, LoopResult r) {
    running--;
    exits.merge(r.exit(), 1L, Long::sum);
    tokens += r.totalTokens();
    costMicroUsd += r.costMicroUsd();
    toolCalls += r.toolCalls();
    recent.addFirst(new JsonObject().put("runId", r.runId()).put("agent", agent).put("exit", r.exit().name())
        .put("iterations", r.iterations()).put("tokens", r.totalTokens()).put("toolCalls", r.toolCalls())
        .put("costUsd", r.costMicroUsd() / 1_000_000.0).put("at", System.currentTimeMillis()));
    while (recent.size() > RECENT) {
      recent.removeLast();
    }
  }

  /** @return the counters and the latest runs as JSON */
  public synchronized JsonObject toJson() {
    JsonObject byExit = new JsonObject();
    exits.forEach((k, v) -> byExit.put(k.name(), v));
    return new JsonObject().put("running", running).put("exits", byExit).put("tokens", tokens)
        .put("costUsd", costMicroUsd / 1_000_000.0).put("toolCalls", toolCalls).put("recent", new JsonArray(recent.stream().toList()));
  }
}
