package io.agentbus.node;

import io.agentbus.llm.agent.LlmAgents;
import io.vertx.core.Future;

import java.util.List;
import java.util.function.Supplier;

/**
 * What the llm verticle runs on a node: the agents, and what they depend on that the node must
 * close after them (the local model and its endpoint, the Google Cloud clients).
 *
 * @param agents the LLM agents
 * @param modelUrl the OpenAI-compatible endpoint the agents call (the local one with {@code --llm-local})
 * @param local the local model, or null
 * @param closers what to close after the agents, in order
 */
public record LlmRuntime(LlmAgents agents, String modelUrl, io.agentbus.llm.local.LocalModel local,
                         List<Supplier<Future<Void>>> closers) {

  /** Closes the agents, then the rest (each even when an earlier one failed). */
  public Future<Void> close() {
    Future<Void> f = agents.close();
    for (Supplier<Future<Void>> c : closers) {
      f = f.eventually(c::get);
    }
    return f;
  }
}
