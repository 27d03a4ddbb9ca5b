package io.agentbus.llm.local;

/**
 * What a {@link LocalModel} has done.
 *
 * @param completions generations finished
 * @param refused requests refused because the queue was full
 * @param queued requests waiting or generating now
 * @param promptTokens prompt tokens read in all
 * @param completionTokens tokens generated in all
 * @param generationNanos time spent generating (after the prompt was read)
 * @param lastFirstTokenNanos time to the first token of the latest generation
 */
public record LocalModelStats(long completions, long refused, int queued, long promptTokens, long completionTokens,
                              long generationNanos, long lastFirstTokenNanos) {

  /** @return tokens generated per second over all generations (0 before the first) */
  public double tokensPerSecond() {
    return generationNanos == 0 ? 0 : completionTokens * 1e9 / generationNanos;
  }
}
