package io.agentbus.llm.agent;

import io.agentbus.agent.PayloadName;

import java.util.List;

/**
 * An intention message: what the model answered in one iteration of a run, published on topic
 * {@code (agentbus.llm.intention, <agent type>)}.
 *
 * @param runId the run
 * @param agent the agent (type/key)
 * @param iteration the iteration, from 1
 * @param content the model's text
 * @param toolCalls the tools it asked for
 * @param tokens the tokens of this call
 */
@PayloadName("Intention")
public record Intention(String runId, String agent, int iteration, String content, List<String> toolCalls, long tokens) {
}
