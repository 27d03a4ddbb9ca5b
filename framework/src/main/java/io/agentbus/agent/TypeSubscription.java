package io.agentbus.agent;

import java.util.UUID;

/**
 * Matches topics whose type equals {@link #topicType()}; maps them to
 * {@code AgentId(agentType, topic.source)}.
 *
 * @param topicType the topic type
 * @param agentType the agent type
 * @param id the subscription id
 */
public record TypeSubscription(String topicType, String agentType, String id) implements Subscription {

  /** Validates. */
  public TypeSubscription {
    new TopicId(topicType, "");
    AgentId.checkType(agentType);
    AgentId.checkKey("subscription id", id);
  }

  /** A subscription with a random id. */
  public TypeSubscription(String topicType, String agentType) {
    this(topicType, agentType, UUID.randomUUID().toString());
  }

  /** @return AutoGen's default subscription of an agent type: topic type {@code default} */
  public static TypeSubscription defaultFor(String agentType) {
    return new TypeSubscription(TopicId.DEFAULT_TYPE, agentType);
  }

  @Override
  public boolean matches(TopicId topic) {
    return topic.type().equals(topicType);
  }

  @Override
  public boolean sameAs(Subscription other) {
    return other.id().equals(id) || (other instanceof TypeSubscription
        && ((TypeSubscription) other).topicType.equals(topicType) && other.agentType().equals(agentType));
  }
}
