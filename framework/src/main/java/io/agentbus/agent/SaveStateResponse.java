package io.agentbus.agent;

import io.vertx.core.json.JsonObject;

/**
 * An agent's state, the reply to a {@link SaveStateRequest}.
 *
 * @param state the state; empty for an agent that keeps none
 */
@PayloadName(SaveStateResponse.TYPE)
public record SaveStateResponse(JsonObject state) {

  /** The payload type name. */
  public static final String TYPE = "agentbus.SaveStateResponse";

  /** A null state is kept as an empty one. */
  public SaveStateResponse {
    state = state == null ? new JsonObject() : state;
  }
}
