package io.agentbus.agent;

/**
 * The scope of a published message, as in AutoGen: a type (matching {@code [A-Za-z0-9_.:=-]+})
 * and a source (printable ASCII, up to {@value AgentId#MAX_KEY} characters).
 *
 * @param type the topic type
 * @param source the topic source (often a session or conversation id)
 */
public record TopicId(String type, String source) {

  /** The type of {@link #defaultTopic()}. */
  public static final String DEFAULT_TYPE = "default";

  /** Validates both parts. */
  public TopicId {
    if (type == null || type.isEmpty() || type.length() > 256 || !AgentId.matches(type, true)) {
      throw new IllegalArgumentException("invalid topic type '" + type
          + "': allowed values match [A-Za-z0-9_.:=-]+ (AutoGen's ^[\\w\\-\\.\\:\\=]+\\Z)");
    }
    if (source == null || source.length() > AgentId.MAX_KEY) {
      throw new IllegalArgumentException("invalid topic source: null or longer than " + AgentId.MAX_KEY);
    }
    AgentId.checkPrintable("topic source", source);
  }

  /** @return AutoGen's {@code DefaultTopicId()}: type {@code default}, source {@code default} */
  public static TopicId defaultTopic() {
    return new TopicId(DEFAULT_TYPE, "default");
  }

  @Override
  public String toString() {
    return type + "/" + source;
  }
}
