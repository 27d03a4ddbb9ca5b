package io.agentbus.cluster.impl;

import io.agentbus.cluster.MembershipEvent;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.ReachableConsumers;
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
 * {@link ReachableConsumers}: the check reads the cluster manager's registry
 * ({@link EventBusRegistrations}); optionally it runs by itself 1 s after every join or merge the
 * node sees. Threads: any.
 */
public final class ReachableConsumersImpl implements ReachableConsumers {

  private static final Logger LOG = LoggerFactory.getLogger(ReachableConsumers.class);
  /** How long after a join or merge the registrations are checked (the registry settles first). */
  static final long CHECK_DELAY_MILLIS = 1_000;

  private final Vertx vertx;
  private final String owner;
  private final Set<Kept> endpoints = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  /** The node's membership handler, when the check runs by itself. */
  private volatile AutoCloseable watch;

  /**
   * @param vertx the Vert.x instance whose event bus the consumers are on
   * @param owner what the consumers belong to, for the log ("broker x", "runtime y")
   */
  public ReachableConsumersImpl(Vertx vertx, String owner) {
    this.vertx = vertx;
    this.owner = owner;
  }

  /** Checks the registrations 1 s after every join or merge {@code node} sees, with any kept consumer as the sentinel. */
  public ReachableConsumersImpl watch(Node node) {
    watch = node.onMembershipChange(e -> {
      if (e.type() == MembershipEvent.Type.JOINED || e.type() == MembershipEvent.Type.MERGED) {
        vertx.setTimer(CHECK_DELAY_MILLIS, t -> {
          for (Kept k : endpoints) {
            verify(k.current.address());
            return;  // one sentinel stands for all: the cluster loses a node's registrations together
          }
        });
      }
    });
    return this;
  }

  @Override
  public Endpoint add(Supplier<MessageConsumer<?>> factory) {
    Kept e = new Kept(factory);
    if (!closed) {
      endpoints.add(e);
    }
    return e;
  }

  @Override
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

  @Override
  public Future<Void> closeAll() {
    closed = true;
    AutoCloseable w = watch;
    if (w != null) {
      try {
        w.close();
      } catch (Exception ignored) {
        // the membership handler is gone with the node
      }
    }
    List<Future<?>> done = new ArrayList<>();
    endpoints.forEach(e -> done.add(e.current.unregister()));
    endpoints.clear();
    return Future.join(done).mapEmpty();
  }

  /** One kept consumer. */
  private final class Kept implements Endpoint {
    private final Supplier<MessageConsumer<?>> factory;
    private volatile MessageConsumer<?> current;

    private Kept(Supplier<MessageConsumer<?>> factory) {
      this.factory = factory;
      this.current = factory.get();
    }

    @Override
    public Future<Void> completion() {
      return current.completion();
    }

    @Override
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
