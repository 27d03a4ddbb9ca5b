package io.agentbus.llm;

/** How much harm a tool can do; guardrails refuse tools above a threshold. */
public enum RiskLevel {
  LOW, MEDIUM, HIGH;

  /**
   * @param name {@code low}, {@code medium} or {@code high}, any case
   * @return the level
   */
  public static RiskLevel parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("unknown risk level '" + name + "' (low, medium, high)");
    }
  }
}
