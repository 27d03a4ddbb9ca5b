package io.agentbus.llm.agent;

import io.agentbus.agent.PayloadName;
import io.vertx.core.json.JsonObject;

/**
 * One tool call's audit record, published on topic {@code (agentbus.llm.tool-audit, <agent type>)}.
 *
 * @param runId the run
 * @param agent the agent (type/key)
 * @param tool the tool
 * @param arguments the model's arguments
 * @param outcome {@code ok}, {@code error}, {@code blocked}, {@code rate_limited}, {@code unknown_tool}, {@code invalid_arguments}
 * @param detail the result or the error
 * @param millis how long the call took
 */
@PayloadName("ToolAudit")
public record ToolAudit(String runId, String agent, String tool, JsonObject arguments, String outcome, JsonObject detail,
                        long millis) {
}
