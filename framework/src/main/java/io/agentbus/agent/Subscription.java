package io.agentbus.agent;

/**
 * Which agents receive a published message: a subscription matches topics and maps each matching
 * topic to the recipient's {@link AgentId}. Two subscriptions are equal when their ids are equal
 * or when they map the same topic type (or prefix) to the same agent type.
 */
public sealed interface Subscription permits TypeSubscription, TypePrefixSubscription {

  /** @return the subscription's id (unique cluster-wide) */
  String id();

  /** @return the agent type receiving the matched topics */
  String agentType();

  /** @return whether a topic matches */
  boolean matches(TopicId topic);

  /**
   * @param topic a matching topic
   * @return the recipient: {@code AgentId(agentType, topic.source())}
   * @throws IllegalArgumentException if the topic does not match
   */
  default AgentId mapToAgent(TopicId topic) {
    if (!matches(topic)) {
      throw new IllegalArgumentException("topic " + topic + " does not match subscription " + this);
    }
    return new AgentId(agentType(), topic.source().isEmpty() ? "default" : topic.source());
  }

  /** @return whether this and {@code other} are the same subscription (AutoGen's equality) */
  boolean sameAs(Subscription other);
}
