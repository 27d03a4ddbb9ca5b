package io.agentbus.cluster.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A component's event-bus consumers, kept reachable across partitions: each is made by a factory,
 * so that when the cluster has lost this node's registrations (see {@link EventBusRegistrations})
 * every consumer can be registered again, the new one before the old one goes, and nothing that
 * still reaches the old one is dropped.
 *
 * <p>The check costs one registry read of one address (the component's "sentinel", a consumer
 * registered with all the others): vertx-hazelcast loses a node's registrations all together, when
 * the cluster re-forms around the node, never one by one. Threads: any.
 */
public final class ReachableConsumers {

  private static final Logger LOG = LoggerFactory.getLogger(ReachableConsumers.class);

  private final Vertx vertx;
  private final String owner;
  private final Set<Endpoint> endpoints = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * @param vertx the Vert.x instance whose event bus the consumers are on
   * @param owner what the consumers belong to, for the log ("broker x", "runtime y")
   */
  public ReachableConsumers(Vertx vertx, String owner) {
    this.vertx = vertx;
    this.owner = owner;
  }

  /**
   * Registers a consumer made by {@code factory} (which also sets its handler), and keeps it.
   *
   * @return the endpoint, whose {@link Endpoint#completion()} says when the cluster knows it
   */
  public Endpoint add(Supplier<MessageConsumer<?>> factory) {
    Endpoint e = new Endpoint(factory);
    if (!closed) {
      endpoints.add(e);
    }
    return e;
  }

  /**
   * Checks that the cluster still lists this node's consumer of {@code sentinel}; when it does not,
   * registers every consumer again (and then drops the old registrations).
   *
   * @return true when the consumers were registered again
   */
  public Future<Boolean> verify(String sentinel) {
    if (closed) {
      return Future.succeededFuture(false);
    }
    return EventBusRegistrations.known(vertx, sentinel).compose(known -> {
      if (known || closed) {
        return Future.succeededFuture(false);
      }
      LOG.warn("the cluster lost the event-bus registrations of {} (it re-formed around this node): registering its {}"
          + " consumers again", owner, endpoints.size());
      List<Future<?>> done = new ArrayList<>();
      endpoints.forEach(e -> done.add(e.renew()));
      return Future.join(done).map(true);
    });
  }

  /** Unregisters every consumer; later additions are not kept. */
  public Future<Void> closeAll() {
    closed = true;
    List<Future<?>> done = new ArrayList<>();
    endpoints.forEach(e -> done.add(e.current.unregister()));
    endpoints.clear();
    return Future.join(done).mapEmpty();
  }

  /** One kept consumer. */
  public final class Endpoint {
    private final Supplier<MessageConsumer<?>> factory;
    private volatile MessageConsumer<?> current;

    private Endpoint(Supplier<MessageConsumer<?>> factory) {
      this.factory = factory;
      this.current = factory.get();
    }

    /** @return completes when the cluster knows the current registration */
    public Future<Void> completion() {
      return current.completion();
    }

    /** Stops keeping this consumer and unregisters it. */
    public Future<Void> unregister() {
      endpoints.remove(this);
      MessageConsumer<?> c = current;
      return c.isRegistered() ? c.unregister() : Future.succeededFuture();
    }

    private Future<Void> renew() {
      MessageConsumer<?> old = current;
      MessageConsumer<?> fresh = factory.get();
      current = fresh;
      return fresh.completion().eventually(() -> old.unregister());
    }
  }
}
