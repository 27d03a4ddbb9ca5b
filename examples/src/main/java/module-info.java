/**
 * Example programs: {@code FirstAgent} (an embedded node, an RPC and a publish), and a calculator
 * agent module a node loads from a jar ({@code --agent-jar}) and the Python worker calls.
 *
 * <p>What an application's own descriptor needs, shown here: {@code requires io.agentbus.framework},
 * its payload records' package open to Jackson, and an {@code AgentModule} provided as a service.
 */
module io.agentbus.examples {
  requires io.agentbus.framework;
  requires io.agentbus.grpc;

  opens io.agentbus.examples to com.fasterxml.jackson.databind;

  provides io.agentbus.agent.AgentModule with io.agentbus.examples.CalculatorModule;
}
