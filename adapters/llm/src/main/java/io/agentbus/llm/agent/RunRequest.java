package io.agentbus.llm.agent;

import io.agentbus.agent.PayloadName;
import io.vertx.core.json.JsonObject;

/**
 * Asks an LLM agent to run: sent with {@code runtime.send(...)}, answered with a
 * {@link io.agentbus.llm.loop.LoopResult} (as JSON on the wire, so foreign workers can ask too).
 *
 * @param message the user's message
 * @param context extra context (may be null)
 */
@PayloadName("RunRequest")
public record RunRequest(String message, JsonObject context) {
}
