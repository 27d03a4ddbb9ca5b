package io.agentbus.llm.agent;

import io.agentbus.agent.PayloadName;
import io.vertx.core.json.JsonObject;

/**
 * Tells the agent {@code (type, offerId)} that an offer it may claim exists; sent by the node that
 * owns that agent id, so one agent per capable type tries to claim it.
 *
 * @param offer the offer as JSON
 */
@PayloadName("HandoffAnnounced")
public record HandoffAnnounced(JsonObject offer) {
}
