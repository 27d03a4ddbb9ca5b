package io.agentbus.broker.impl;

import io.agentbus.channel.Channel;
import io.agentbus.cluster.impl.ClusterMembership;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Who keeps each channel's mailbox: the first broker to claim it in the cluster's claim map (a
 * put-if-absent), until it closes or its node leaves; then the next broker that needs the mailbox
 * takes the stale claim over (a replace-if-still-stale, so two claimers cannot both win). Owners
 * are cached here, so a publish to a known channel reads no map; one claim per channel is in flight
 * at a time on this broker.
 *
 * <p>An owner id is {@code node/uuid}: the node part tells at once that a departed node's mailboxes
 * are gone. Threads: any; the maps are concurrent, the claim map's futures complete on Vert.x.
 */
final class MailboxClaims {

  private static final Logger LOG = LoggerFactory.getLogger(MailboxClaims.class);

  private final String me;
  private final ClusterMembership membership;
  private final AsyncMap<String, String> claims;
  /** What to do with a mailbox this broker just won (create it). */
  private final Consumer<Channel> won;
  private final Map<String, String> owners = new ConcurrentHashMap<>();
  private final Map<String, Future<String>> claiming = new ConcurrentHashMap<>();
  /** Brokers that announced their close, most recent last (bounded): their claims are stale. */
  private final Set<String> closedOwners = Collections.synchronizedSet(Collections.newSetFromMap(
      new LinkedHashMap<String, Boolean>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > 1_024;
        }
      }));

  MailboxClaims(String me, ClusterMembership membership, AsyncMap<String, String> claims, Consumer<Channel> won) {
    this.me = me;
    this.membership = membership;
    this.claims = claims;
    this.won = won;
  }

  /** @return the cached owner of the channel at {@code address}, or null when it must be claimed */
  String known(String address) {
    return owners.get(address);
  }

  /** @return the owner of the channel's mailbox, claiming it for this broker when nobody holds it */
  Future<String> owner(Channel channel) {
    String known = owners.get(channel.address());
    return known != null ? Future.succeededFuture(known) : claim(channel, null);
  }

  /** The owner {@code stale} did not answer as the owner of the channel: claims the mailbox again. */
  Future<String> replace(Channel channel, String stale) {
    owners.remove(channel.address(), stale);
    LOG.info("mailbox owner {} of {} is gone; claiming it again", stale, channel);
    return claim(channel, stale);
  }

  /** Broker {@code owner} closed: its claims are stale from now on. */
  void ownerClosed(String owner) {
    closedOwners.add(owner);
    owners.values().removeIf(owner::equals);
  }

  /** {@code node} left: the claims of its brokers are stale from now on. */
  void nodeLeft(String node) {
    owners.values().removeIf(o -> node.equals(nodeOf(o)));
  }

  /**
   * This node merged back after a split: the owners cached here may be ones this side of the split
   * chose, which the merged claim map no longer holds (Hazelcast keeps the larger side's entries),
   * so every owner is read again on its next use.
   */
  void forgetOwners() {
    owners.clear();
  }

  /** @return the brokers other than this one that hold a mailbox of environment {@code envId} */
  Future<Set<String>> otherOwnersIn(String envId) {
    return claims.entries().map(all -> all.entrySet().stream()
        .filter(e -> envOf(e.getKey()).equals(envId) && !e.getValue().equals(me))
        .map(Map.Entry::getValue).collect(Collectors.toSet()));
  }

  /** @return the addresses of every claimed channel of environment {@code envId} */
  Future<List<String>> addressesIn(String envId) {
    return claims.keys().map(keys -> keys.stream().filter(k -> envOf(k).equals(envId)).collect(Collectors.toList()));
  }

  /** Gives up this broker's claims (it is closing). */
  Future<Void> releaseMine() {
    owners.clear();
    return claims.entries().compose(all -> Future.all(all.entrySet().stream()
        .filter(e -> e.getValue().equals(me))
        .map(e -> claims.removeIfPresent(e.getKey(), me)).collect(Collectors.toList()))).mapEmpty();
  }

  /** @return the cluster node of a mailbox owner id, or null for an id without one */
  static String nodeOf(String owner) {
    int slash = owner.indexOf('/');
    return slash < 0 ? null : owner.substring(0, slash);
  }

  /** @return whether broker {@code owner} is known to be gone (closed, or its node left) */
  boolean gone(String owner) {
    return !alive(owner);
  }

  private boolean alive(String owner) {
    if (closedOwners.contains(owner)) {
      return false;
    }
    if (!membership.isClustered()) {
      return true;  // one JVM: every broker of it is alive (a closed one withdraws its claims)
    }
    String node = nodeOf(owner);
    return node == null || membership.nodes().contains(node);
  }

  private Future<String> claim(Channel channel, String stale) {
    String address = channel.address();
    Future<String> pending = claiming.get(address);
    if (pending != null) {
      return pending;
    }
    Promise<String> promise = Promise.promise();
    pending = claiming.putIfAbsent(address, promise.future());
    if (pending != null) {
      return pending;
    }
    claimOnce(address, stale, 3).compose(owner -> alive(owner) ? Future.succeededFuture(owner)
        // its node left while the claim was read (after the departure cleared the cache): it would
        // be cached as the owner, and requests to it would wait for a node that is gone
        : claimOnce(address, owner, 3)).onComplete(ar -> {
      if (ar.succeeded()) {
        if (ar.result().equals(me)) {
          won.accept(channel);
        }
        owners.put(address, ar.result());
      }
      claiming.remove(address, promise.future());
      promise.handle(ar);
    });
    return promise.future();
  }

  /** Reads the claim; takes it when free or held by {@code stale}; retries when racing another claimer. */
  private Future<String> claimOnce(String address, String stale, int attempts) {
    return claims.get(address).compose(current -> {
      // a claim held by a broker whose node has left is as stale as one known to be gone
      String gone = current != null && !alive(current) ? current : stale;
      if (current != null && !current.equals(gone)) {
        return Future.succeededFuture(current);
      }
      Future<Boolean> taken = current == null
          ? claims.putIfAbsent(address, me).map(prev -> prev == null)
          : claims.replaceIfPresent(address, gone, me);
      return taken.compose(ok -> {
        if (ok) {
          return Future.succeededFuture(me);
        }
        if (attempts <= 1) {
          return Future.failedFuture(new IllegalStateException("could not claim the mailbox of " + address
              + ": it changed hands concurrently"));
        }
        return claimOnce(address, stale, attempts - 1);
      });
    });
  }

  private static String envOf(String address) {
    String[] parts = address.split("/", 4);
    return parts.length >= 3 ? parts[2] : "";
  }
}
