package io.agentbus.agent;

/**
 * One active agent's traffic on this node, for consoles and operators
 * ({@link AgentRuntime#localAgentStats()}).
 *
 * @param id the agent
 * @param messagesIn messages delivered to it (sends and published events) since it was activated
 * @param messagesOut messages it sent or published since it was activated
 * @param lastActivityMillis when it last received or finished handling a message (epoch ms)
 */
public record AgentStats(AgentId id, long messagesIn, long messagesOut, long lastActivityMillis) {
}
