package io.agentbus.examples;

import io.agentbus.agent.AgentModule;
import io.agentbus.agent.AgentRuntime;
import io.vertx.core.Future;

/**
 * The calculator of {@link CalculatorHost}, packaged for a node you did not write: this jar names
 * the class in {@code META-INF/services/io.agentbus.agent.AgentModule}, so
 * <pre>
 * java -jar verticles/target/agentbus-node.jar --verticles bridge --agents examples/target/agentbus-examples-0.1.0-SNAPSHOT.jar
 * </pre>
 * hosts it, and {@code examples/python/call_calculator.py localhost:50051} gets its {@code Sum}.
 */
public final class CalculatorModule implements AgentModule {

  @Override
  public Future<Void> register(AgentRuntime runtime) {
    return runtime.register("calculator", id -> new CalculatorHost.Calculator());
  }
}
