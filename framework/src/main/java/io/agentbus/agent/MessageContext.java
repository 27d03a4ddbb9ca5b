package io.agentbus.agent;

import java.util.Map;

/**
 * What a handler knows about the message it handles.
 *
 * @param sender the sending agent, or null when sent from outside any agent
 * @param topic the topic for published messages, null for direct messages
 * @param isRpc whether the sender awaits a reply
 * @param messageId the message's id
 * @param metadata string metadata (trace context)
 */
public record MessageContext(AgentId sender, TopicId topic, boolean isRpc, String messageId,
                             Map<String, String> metadata) {
}
