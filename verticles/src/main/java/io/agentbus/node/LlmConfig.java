package io.agentbus.node;

/**
 * The node's LLM agent settings ({@code --verticles llm}).
 *
 * @param baseUrl the OpenAI-compatible endpoint ({@code .../v1}), required for the llm verticle
 * @param apiKey the bearer token, or null
 * @param model the model
 * @param promptPricePer1k dollars per 1,000 prompt tokens
 * @param completionPricePer1k dollars per 1,000 completion tokens
 * @param maxDailyCostUsd the cluster-wide daily cost cap (0: none)
 * @param maxTokensPerRun the token budget of one run (0: none)
 * @param maxTokensPerCall the completion-token limit of one call (what the cost cap reserves)
 * @param maxToolCallsPerMinute the cluster-wide tool-call rate (0: none)
 * @param maxActiveAgents how many assistant agents (one per key) may be active on this node at once
 * @param idleSeconds an assistant agent idle this long is deactivated
 * @param backends where runs, events and snapshots go
 * @param localModel the GGUF file of the in-process model ({@code --llm-local}), or null for a remote endpoint
 * @param localQueue generations waiting for the local model at most (beyond: 429)
 * @param maxBroadcastsPerSecond intentions and tool-audit records published a second at most (the broadcast token bucket)
 */
public record LlmConfig(String baseUrl, String apiKey, String model, double promptPricePer1k, double completionPricePer1k,
                        double maxDailyCostUsd, long maxTokensPerRun, int maxTokensPerCall,
                        int maxToolCallsPerMinute, int maxActiveAgents, long idleSeconds, LlmBackends backends,
                        String localModel, int localQueue, int maxBroadcastsPerSecond) {

  @Override
  public String toString() {
    return "LlmConfig[baseUrl=" + baseUrl + ", model=" + model + ", apiKey=" + (apiKey == null ? "none" : "***")
        + ", backends=" + backends + ", localModel=" + localModel + "]";
  }
}
