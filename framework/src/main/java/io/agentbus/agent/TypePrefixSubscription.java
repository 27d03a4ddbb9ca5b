package io.agentbus.agent;

import java.util.UUID;

/**
 * Matches topics whose type starts with {@link #topicTypePrefix()}; maps them to
 * {@code AgentId(agentType, topic.source)}. AutoGen registers one per agent type with the prefix
 * {@code "<type>:"} for direct messages.
 *
 * @param topicTypePrefix the prefix
 * @param agentType the agent type
 * @param id the subscription id
 */
public record TypePrefixSubscription(String topicTypePrefix, String agentType, String id) implements Subscription {

  /** Validates. */
  public TypePrefixSubscription {
    new TopicId(topicTypePrefix, "");
    AgentId.checkType(agentType);
    AgentId.checkKey("subscription id", id);
  }

  /** A subscription with a random id. */
  public TypePrefixSubscription(String topicTypePrefix, String agentType) {
    this(topicTypePrefix, agentType, UUID.randomUUID().toString());
  }

  @Override
  public boolean matches(TopicId topic) {
    return topic.type().startsWith(topicTypePrefix);
  }

  @Override
  public boolean sameAs(Subscription other) {
    return other.id().equals(id) || (other instanceof TypePrefixSubscription
        && ((TypePrefixSubscription) other).topicTypePrefix.equals(topicTypePrefix)
        && other.agentType().equals(agentType));
  }
}
