package io.agentbus.llm;

/**
 * Tokens one completion used, as the provider reported them.
 *
 * @param promptTokens tokens of the request
 * @param completionTokens tokens of the answer
 */
public record Usage(long promptTokens, long completionTokens) {

  /** No usage. */
  public static final Usage NONE = new Usage(0, 0);

  /** Validates the counts. */
  public Usage {
    if (promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException("negative token count");
    }
  }

  /** @return prompt plus completion tokens */
  public long totalTokens() {
    return promptTokens + completionTokens;
  }

  /** @return the sum of both usages */
  public Usage plus(Usage other) {
    return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens);
  }
}
