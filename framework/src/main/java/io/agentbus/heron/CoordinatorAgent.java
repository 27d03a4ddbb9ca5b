package io.agentbus.heron;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/** Manages subordinates: sends them actions, receives their information. */
public class CoordinatorAgent extends HeronAgent {

  /**
   * @param agentId the agent id
   * @param envId the environment
   * @param upstreamId its parent, or null
   * @param subordinateIds its subordinates
   */
  public CoordinatorAgent(String agentId, String envId, String upstreamId, List<String> subordinateIds) {
    super(agentId, envId, upstreamId, subordinateIds);
  }

  /**
   * Sends an action to one subordinate.
   *
   * @param subordinateId the subordinate (must be one of this coordinator's)
   * @param action the action (a JSON object, number, string, ...)
   * @return completion; fails if {@code subordinateId} is not a subordinate
   */
  public Future<Void> sendActionToSubordinate(String subordinateId, Object action) {
    return sendAction(subordinateId, action);
  }

  /** @return every subordinate's pending information, keyed by subordinate, oldest first */
  public Future<Map<String, List<JsonObject>>> receiveSubordinateInfo() {
    return receiveInfo();
  }
}
