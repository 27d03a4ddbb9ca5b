package io.agentbus.heron;

import java.util.List;

/** The top of the hierarchy (e.g. the system operator): a coordinator without upstream. */
public class SystemAgent extends CoordinatorAgent {

  /**
   * @param agentId the agent id
   * @param envId the environment
   * @param subordinateIds the coordinators under it
   */
  public SystemAgent(String agentId, String envId, List<String> subordinateIds) {
    super(agentId, envId, null, subordinateIds);
  }
}
