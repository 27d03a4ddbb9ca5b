package io.agentbus.cluster;

import io.agentbus.cluster.impl.ReachableConsumersImpl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.function.Supplier;

/**
 * Event-bus consumers that stay reachable when the cluster re-forms around this node.
 *
 * <p>Why: when a partition heals by the others merging into a node that was alone, the cluster's
 * registry can lose every event-bus registration held for that node (vertx-hazelcast republishes
 * registrations only on the merging side). The node's consumers are still there, but nothing in
 * the cluster sends to them any more: sends fail with {@code NO_HANDLERS}, publishes reach nobody.
 * The agent runtime, the broker, the node and the LLM handoff market keep their consumers this way;
 * a verticle of yours with its own cluster-wide consumers can too.
 *
 * <p>How: each consumer is made by a factory (which also sets its handler), so that it can be
 * registered again; the new registration is made before the old one goes, so nothing still
 * reaching the old one is dropped. {@link #verify} reads the registry for one address (a
 * "sentinel": the cluster loses a node's registrations all together, never one by one) and
 * registers every consumer again when it is missing.
 *
 * <pre>{@code
 * ReachableConsumers kept = ReachableConsumers.watching(node, "my orders service");
 * kept.add(() -> node.vertx().eventBus().consumer("orders", msg -> handle(msg)));
 * ...
 * kept.closeAll();  // unregisters them, stops watching
 * }</pre>
 *
 * <p>Threads: any.
 */
public interface ReachableConsumers {

  /**
   * Consumers checked only when {@link #verify} is called (the caller decides when).
   *
   * @param vertx the Vert.x whose event bus the consumers are on
   * @param owner what they belong to, for the log ("broker x")
   */
  static ReachableConsumers create(Vertx vertx, String owner) {
    return new ReachableConsumersImpl(vertx, owner);
  }

  /**
   * Consumers checked by themselves, 1 s after every join or merge {@code node} sees (the usual
   * way to use this): the first kept consumer's address is the sentinel.
   *
   * @param node the node whose membership changes trigger the check
   * @param owner what they belong to, for the log
   */
  static ReachableConsumers watching(Node node, String owner) {
    return new ReachableConsumersImpl(node.vertx(), owner).watch(node);
  }

  /**
   * Registers a consumer made by {@code factory}, and keeps it.
   *
   * @return the endpoint, whose {@link Endpoint#completion()} says when the cluster knows it
   */
  Endpoint add(Supplier<MessageConsumer<?>> factory);

  /**
   * Checks that the cluster still lists this node's consumer of {@code sentinel}; when it does not,
   * registers every kept consumer again (and then drops the old registrations).
   *
   * @return true when the consumers were registered again
   */
  Future<Boolean> verify(String sentinel);

  /** Unregisters every consumer and stops watching; later additions are not kept. */
  Future<Void> closeAll();

  /** One kept consumer. */
  interface Endpoint {

    /** @return completes when the cluster knows the current registration */
    Future<Void> completion();

    /** Stops keeping this consumer and unregisters it. */
    Future<Void> unregister();
  }
}
