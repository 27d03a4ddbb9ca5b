package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;

import java.util.Collection;

/** Exposes {@link Placement} to tests of other packages. */
public final class PlacementProbe {

  private PlacementProbe() {
  }

  public static String owner(AgentId id, Collection<String> nodes) {
    return Placement.owner(id, nodes);
  }
}
