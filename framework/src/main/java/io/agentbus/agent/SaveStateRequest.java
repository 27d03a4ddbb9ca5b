package io.agentbus.agent;

/**
 * Asks an agent for its state (AutoGen's {@code agent_save_state}); the reply is a
 * {@link SaveStateResponse}. Send it with {@link AgentRuntime#saveState(AgentId)}. A JVM agent
 * needs no handler for it: the runtime answers with {@link Agent#saveState()}, on the agent's own
 * context and between its messages. An agent on an AutoGen worker is asked through the worker's
 * control channel by the bridge.
 */
@PayloadName(SaveStateRequest.TYPE)
public record SaveStateRequest() {

  /** The payload type name. */
  public static final String TYPE = "agentbus.SaveStateRequest";
}
