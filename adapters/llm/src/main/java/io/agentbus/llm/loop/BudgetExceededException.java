package io.agentbus.llm.loop;

/** A budget limit would be passed: the work was not done. */
public class BudgetExceededException extends RuntimeException {

  /** @param message which limit, and by how much */
  public BudgetExceededException(String message) {
    super(message);
  }
}
