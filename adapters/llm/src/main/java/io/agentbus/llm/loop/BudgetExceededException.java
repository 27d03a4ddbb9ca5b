package io.agentbus.llm.loop;

/** A budget limit would be passed: the work was not done. */
public class BudgetExceededException extends RuntimeException implements io.agentbus.error.AgentBusFailure {

  /** @param message which limit, and by how much */
  public BudgetExceededException(String message) {
    super(message);
  }

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.RESOURCE_EXHAUSTED;
  }
}
