package io.agentbus.cluster.impl;

import io.agentbus.cluster.Leadership;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.SharedMaps;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link Leadership} by a lease record ({@code holder}, {@code token}, {@code expires}) in a
 * cluster map, changed only by compare-and-set.
 */
public final class LeaseLeadership implements Leadership {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseLeadership.class);

  private final Node node;
  private final String role;
  private final long leaseMillis;
  private final Context context;
  private final List<Handler<Boolean>> handlers = new CopyOnWriteArrayList<>();
  private AsyncMap<String, JsonObject> leases;
  private long timer = -1;
  private AutoCloseable membership;
  private boolean busy;
  private boolean closed;
  private volatile boolean leading;
  private volatile long token;
  private volatile long validUntilNanos;
  private volatile String holder;
  private long lastTickNanos;
  private long quietUntilNanos;

  private LeaseLeadership(Node node, String role, long leaseMillis) {
    this.node = node;
    this.role = role;
    this.leaseMillis = leaseMillis;
    this.context = node.vertx().getOrCreateContext();
  }

  /** See {@link Leadership#start}. */
  public static Future<Leadership> start(Node node, String role, long leaseMillis) {
    if (role == null || role.isEmpty() || leaseMillis < 500) {
      return Future.failedFuture(new IllegalArgumentException("a role name and a lease of at least 500 ms are required"));
    }
    LeaseLeadership l = new LeaseLeadership(node, role, leaseMillis);
    return SharedMaps.<String, JsonObject>get(node.vertx(), "agentbus." + node.namespace() + ".leases").map(map -> {
      l.leases = map;
      l.context.runOnContext(v -> {
        l.timer = node.vertx().setPeriodic(0, Math.max(100, leaseMillis / 4), t -> l.tick());
        // the holder left: contend at once rather than at the next renewal
        l.membership = node.onMembershipChange(e -> {
          if (e.type() != io.agentbus.cluster.MembershipEvent.Type.JOINED) {
            l.context.runOnContext(x -> l.tick());
          }
        });
      });
      return l;
    });
  }

  private void tick() {
    if (closed) {
      return;
    }
    long nowNanos = System.nanoTime();
    long gap = lastTickNanos == 0 ? 0 : nowNanos - lastTickNanos;
    lastTickNanos = nowNanos;
    if (busy) {
      return; // the last read or write of the lease is still under way (its partition's owner may be gone)
    }
    if (gap > leaseMillis * 500_000L) {
      // this process was frozen (SIGSTOP, a long GC pause, a starved VM): its view of the cluster
      // is stale until failure detection has had a period to correct it
      quietUntilNanos = nowNanos + leaseMillis * 1_000_000L;
      if (leading) {
        stepDown("this process did not run for " + gap / 1_000_000 + " ms");
      }
    }
    if (nowNanos < quietUntilNanos) {
      return;
    }
    if (!node.hasQuorum() || !node.inClusterView()) {
      if (leading) {
        stepDown(node.hasQuorum() ? "this node is not in the cluster's view" : "this node sees no majority of the "
            + node.expectedMembers() + " expected members");
      }
      return;
    }
    busy = true;
    long started = System.nanoTime();
    long now = System.currentTimeMillis();
    leases.get(role).compose(current -> {
      String me = node.id();
      JsonObject next = new JsonObject().put("holder", me).put("expires", now + leaseMillis);
      if (current == null) {
        return leases.putIfAbsent(role, next.put("token", 1L)).map(prev -> prev == null ? 1L : 0L);
      }
      holder = current.getString("holder");
      long held = current.getLong("token", 0L);
      if (me.equals(holder) && (leading || current.getLong("expires", 0L) >= now)) {
        return leases.replaceIfPresent(role, current, next.put("token", held)).map(ok -> ok ? held : 0L);
      }
      boolean vacant = current.getLong("expires", 0L) < now || !node.memberIds().contains(holder);
      if (vacant) {
        return leases.replaceIfPresent(role, current, next.put("token", held + 1)).map(ok -> ok ? held + 1 : 0L);
      }
      return Future.succeededFuture(0L);
    }).onComplete(ar -> {
      busy = false;
      if (closed) {
        return;
      }
      if (ar.succeeded() && ar.result() > 0 && node.hasQuorum()) {
        holder = node.id();
        validUntilNanos = started + leaseMillis * 1_000_000L;
        if (!leading || token != ar.result()) {
          token = ar.result();
          leading = true;
          LOG.info("this node leads '{}' (fencing token {})", role, token);
          handlers.forEach(h -> h.handle(true));
        }
      } else if (leading) {
        stepDown(ar.failed() ? "the lease could not be renewed: " + ar.cause().getMessage() : "another node holds the lease");
      }
    });
  }

  private void stepDown(String why) {
    leading = false;
    token = 0;
    LOG.info("this node stops leading '{}': {}", role, why);
    handlers.forEach(h -> h.handle(false));
  }

  @Override
  public String role() {
    return role;
  }

  @Override
  public boolean isLeader() {
    return leading && System.nanoTime() < validUntilNanos && node.hasQuorum();
  }

  @Override
  public Future<Long> raiseTokenAbove(long seen) {
    io.vertx.core.Promise<Long> done = io.vertx.core.Promise.promise();
    context.runOnContext(v -> leases.get(role).compose(current -> {
      if (!leading || current == null || !node.id().equals(current.getString("holder"))) {
        return Future.<Long>failedFuture(new IllegalStateException("this node does not hold the lease of '" + role + "'"));
      }
      long raised = Math.max(seen, Math.max(token, current.getLong("token", 0L))) + 1;
      return leases.replaceIfPresent(role, current, current.copy().put("token", raised))
          .compose(ok -> ok ? Future.succeededFuture(raised)
              : Future.<Long>failedFuture(new IllegalStateException("the lease of '" + role + "' changed meanwhile")));
    }).onComplete(ar -> {
      if (ar.succeeded() && leading && !closed) {
        token = ar.result();
        LOG.info("this node leads '{}' with a fencing token raised to {} (a resource had seen {})", role, token, seen);
        handlers.forEach(h -> h.handle(true));
      }
      done.handle(ar);
    }));
    return done.future();
  }

  @Override
  public long token() {
    return isLeader() ? token : 0;
  }

  @Override
  public String holder() {
    return holder;
  }

  @Override
  public AutoCloseable onChange(Handler<Boolean> handler) {
    handlers.add(handler);
    return () -> handlers.remove(handler);
  }

  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    if (timer >= 0) {
      node.vertx().cancelTimer(timer);
    }
    if (membership != null) {
      try {
        membership.close();
      } catch (Exception ignored) {
        // nothing to release
      }
    }
    if (!leading) {
      return Future.succeededFuture();
    }
    leading = false;
    long held = token;
    // expire the lease at once, keeping its token: the next leader's is higher
    return leases.get(role).compose(current -> current == null || !node.id().equals(current.getString("holder"))
        ? Future.succeededFuture(false)
        : leases.replaceIfPresent(role, current, current.copy().put("expires", 0L).put("token", Math.max(held, current.getLong("token", 0L)))))
        .<Void>mapEmpty().otherwiseEmpty();
  }
}
