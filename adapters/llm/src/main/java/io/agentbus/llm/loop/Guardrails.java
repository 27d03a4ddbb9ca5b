package io.agentbus.llm.loop;

import io.agentbus.llm.RiskLevel;
import io.agentbus.llm.ToolSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks that really block: blocked patterns (case-insensitive regular expressions) are matched
 * against the user's message, every model answer, every tool call's arguments and every tool
 * result; tools above the risk threshold are neither offered to the model nor run when it asks
 * for them. A match ends the run with {@link LoopExit#GUARDRAIL_BLOCK} before anything else
 * happens (no tool call, no further model call).
 */
public final class Guardrails {

  private static final Guardrails NONE = new Guardrails(false, RiskLevel.HIGH, List.of());

  private final boolean enabled;
  private final RiskLevel riskThreshold;
  private final List<Pattern> blocked;

  private Guardrails(boolean enabled, RiskLevel riskThreshold, List<Pattern> blocked) {
    this.enabled = enabled;
    this.riskThreshold = riskThreshold;
    this.blocked = List.copyOf(blocked);
  }

  /** @return guardrails that allow everything */
  public static Guardrails none() {
    return NONE;
  }

  /**
   * @param riskThreshold the highest tool risk allowed
   * @param blockedPatterns regular expressions (case-insensitive) that block a run when found
   * @return enabled guardrails
   * @throws IllegalArgumentException naming a pattern that does not compile
   */
  public static Guardrails of(RiskLevel riskThreshold, List<String> blockedPatterns) {
    List<Pattern> compiled = new ArrayList<>();
    for (String p : blockedPatterns) {
      try {
        compiled.add(Pattern.compile(p, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("blocked pattern '" + p + "' is not a regular expression: " + e.getDescription());
      }
    }
    return new Guardrails(true, riskThreshold, compiled);
  }

  /** @return whether these guardrails check anything */
  public boolean enabled() {
    return enabled;
  }

  /** @return the highest tool risk allowed */
  public RiskLevel riskThreshold() {
    return riskThreshold;
  }

  /**
   * @param where what the text is ("user message", "model answer", ...)
   * @param text the text
   * @return why it is blocked, or empty
   */
  public Optional<String> check(String where, String text) {
    if (!enabled || text == null) {
      return Optional.empty();
    }
    for (Pattern p : blocked) {
      if (p.matcher(text).find()) {
        return Optional.of(where + " matches blocked pattern '" + p.pattern() + "'");
      }
    }
    return Optional.empty();
  }

  /** @return whether the tool's risk is within the threshold */
  public boolean allows(ToolSpec tool) {
    return !enabled || tool.risk().compareTo(riskThreshold) <= 0;
  }
}
