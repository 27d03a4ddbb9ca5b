package io.agentbus.llm.loop;

import io.agentbus.llm.ToolSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** How an LLM agent runs: model, instructions, tools, limits and guardrails. */
public class LoopOptions {

  private String model = "gpt-4o-mini";
  private String instructions = "You are a helpful assistant.";
  private final Map<String, Tool> tools = new LinkedHashMap<>();
  private Budget budget = new Budget();
  private Guardrails guardrails = Guardrails.none();
  private int maxIterations = 8;
  private int maxTokensPerCall = 1024;
  private long toolTimeoutMillis = 30_000;
  private long handoffTtlMillis = 300_000;
  private boolean handoffs;

  /** @return the model name sent in requests (and priced by the budget) */
  public String getModel() {
    return model;
  }

  /** @param model the model name @return this */
  public LoopOptions setModel(String model) {
    this.model = Objects.requireNonNull(model, "model");
    return this;
  }

  /** @return the system instructions */
  public String getInstructions() {
    return instructions;
  }

  /** @param instructions the system instructions @return this */
  public LoopOptions setInstructions(String instructions) {
    this.instructions = Objects.requireNonNull(instructions, "instructions");
    return this;
  }

  /** @return the tools by name */
  public Map<String, Tool> getTools() {
    return tools;
  }

  /**
   * @param tool a tool (its name must be unique and must not be {@code handoff})
   * @return this
   */
  public LoopOptions addTool(Tool tool) {
    String name = tool.spec().name();
    if (name.equals(ToolLoop.HANDOFF_TOOL)) {
      throw new IllegalArgumentException("'" + name + "' is the built-in handoff tool");
    }
    if (tools.putIfAbsent(name, tool) != null) {
      throw new IllegalArgumentException("duplicate tool '" + name + "'");
    }
    return this;
  }

  /** @return the specs of every tool */
  public List<ToolSpec> toolSpecs() {
    List<ToolSpec> specs = new ArrayList<>();
    tools.values().forEach(t -> specs.add(t.spec()));
    return specs;
  }

  /** @return the budget */
  public Budget getBudget() {
    return budget;
  }

  /** @param budget the budget @return this */
  public LoopOptions setBudget(Budget budget) {
    this.budget = Objects.requireNonNull(budget, "budget");
    return this;
  }

  /** @return the guardrails */
  public Guardrails getGuardrails() {
    return guardrails;
  }

  /** @param guardrails the guardrails @return this */
  public LoopOptions setGuardrails(Guardrails guardrails) {
    this.guardrails = Objects.requireNonNull(guardrails, "guardrails");
    return this;
  }

  /** @return the most model calls per run */
  public int getMaxIterations() {
    return maxIterations;
  }

  /** @param max the most model calls per run (positive) @return this */
  public LoopOptions setMaxIterations(int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("maxIterations must be positive");
    }
    this.maxIterations = max;
    return this;
  }

  /** @return the completion-token limit of one model call */
  public int getMaxTokensPerCall() {
    return maxTokensPerCall;
  }

  /** @param max the completion-token limit of one call (positive) @return this */
  public LoopOptions setMaxTokensPerCall(int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("maxTokensPerCall must be positive");
    }
    this.maxTokensPerCall = max;
    return this;
  }

  /** @return how long one tool call may take before the model is told it timed out */
  public long getToolTimeoutMillis() {
    return toolTimeoutMillis;
  }

  /** @param millis the tool timeout (positive) @return this */
  public LoopOptions setToolTimeoutMillis(long millis) {
    if (millis <= 0) {
      throw new IllegalArgumentException("toolTimeoutMillis must be positive");
    }
    this.toolTimeoutMillis = millis;
    return this;
  }

  /** @return whether the model is offered the built-in {@code handoff} tool */
  public boolean isHandoffs() {
    return handoffs;
  }

  /** @param handoffs whether the model may hand tasks off @return this */
  public LoopOptions setHandoffs(boolean handoffs) {
    this.handoffs = handoffs;
    return this;
  }

  /** @return the default time to live of an offer (the model may ask for less) */
  public long getHandoffTtlMillis() {
    return handoffTtlMillis;
  }

  /** @param millis the default and longest offer time to live (positive) @return this */
  public LoopOptions setHandoffTtlMillis(long millis) {
    if (millis <= 0) {
      throw new IllegalArgumentException("handoffTtlMillis must be positive");
    }
    this.handoffTtlMillis = millis;
    return this;
  }
}
