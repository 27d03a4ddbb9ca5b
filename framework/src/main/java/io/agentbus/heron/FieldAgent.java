package io.agentbus.heron;

import java.util.List;

/** A device at the bottom of the hierarchy: receives actions, reports information upstream. */
public class FieldAgent extends HeronAgent {

  /**
   * @param agentId the agent id
   * @param upstreamId its coordinator
   * @param envId the environment
   */
  public FieldAgent(String agentId, String upstreamId, String envId) {
    super(agentId, envId, upstreamId, List.of());
  }
}
