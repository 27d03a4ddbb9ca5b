package io.agentbus.agent;

import io.vertx.core.json.JsonObject;

/**
 * Hands an agent a state to load (AutoGen's {@code agent_load_state}); answered with no payload
 * once loaded. Send it with {@link AgentRuntime#loadState(AgentId, JsonObject)}. A JVM agent needs no
 * handler for it: the runtime calls {@link Agent#loadState(JsonObject)} on the agent's context.
 *
 * @param state what a {@link SaveStateRequest} returned
 */
@PayloadName(LoadStateRequest.TYPE)
public record LoadStateRequest(JsonObject state) {

  /** The payload type name. */
  public static final String TYPE = "agentbus.LoadStateRequest";

  /** @throws IllegalArgumentException if the state is null */
  public LoadStateRequest {
    if (state == null) {
      throw new IllegalArgumentException("a state to load is required");
    }
  }
}
