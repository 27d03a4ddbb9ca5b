package io.agentbus.agent;

import io.vertx.core.Future;

/**
 * Your agents, packaged for a node you did not write: a jar with an implementation of this
 * interface, named in {@code META-INF/services/io.agentbus.agent.AgentModule}, given to the node
 * with {@code --agents my-agents.jar}. The node loads the jar, finds its modules with
 * {@link java.util.ServiceLoader} and calls {@link #register} once its runtime is up.
 *
 * <pre>{@code
 * public final class PricingAgents implements AgentModule {
 *   public Future<Void> register(AgentRuntime runtime) {
 *     return runtime.register("pricer", id -> new Pricer())
 *         .compose(v -> runtime.addSubscription(TypeSubscription.defaultFor("pricer")));
 *   }
 * }
 * }</pre>
 *
 * <p>An implementation needs a public no-argument constructor. What it registers is an ordinary
 * agent type of the cluster: reachable from every node and from AutoGen workers on the bridge.
 */
public interface AgentModule {

  /**
   * Registers this module's agent types and subscriptions.
   *
   * @return completes when they are in force; a failure stops the node's start
   */
  Future<Void> register(AgentRuntime runtime);

  /** @return a name for logs (default: the class's name) */
  default String name() {
    return getClass().getName();
  }
}
