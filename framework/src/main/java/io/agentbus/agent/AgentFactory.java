package io.agentbus.agent;

/** Makes the agent instance for an id, on the node that activates it. */
@FunctionalInterface
public interface AgentFactory {
  /**
   * @param id the id being activated
   * @return a new agent
   */
  Agent create(AgentId id);
}
