package io.agentbus.broker.impl;

import io.agentbus.broker.BrokerClosedException;
import io.agentbus.broker.BrokerOptions;
import io.agentbus.broker.MessageBroker;
import io.agentbus.broker.ChannelSubscription;
import io.agentbus.channel.Channel;
import io.agentbus.channel.Channels;
import io.agentbus.channel.Ids;
import io.agentbus.message.Message;
import io.agentbus.message.MessageTypeRegistry;
import io.agentbus.message.impl.FrameBatch;
import io.agentbus.message.impl.FrameCoalescer;
import io.agentbus.message.impl.MessageCodecImpl;
import io.agentbus.message.MessageIds;
import io.agentbus.metrics.BrokerMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@link MessageBroker} on the Vert.x event bus, identical in one JVM and across a cluster.
 *
 * <p>Subscribers are event-bus consumers of the channel's address: a publish is an event-bus
 * publish, and the publishes an event loop makes to one channel within one turn are one event-bus
 * publish of a {@link FrameBatch} ({@link FrameCoalescer}), unpacked in order by each subscriber's
 * consumer. For pull consumers, each channel has one mailbox, kept by the broker that first claimed
 * the channel (created it, published to it or consumed from it) in a cluster-wide map. The owner is
 * cached, so a publish looks nothing up in the cluster after the first one. A publish stores the
 * message in the mailbox directly when this broker owns it, otherwise by a request to the owner
 * (acknowledged, so a later consume anywhere sees it). An owner that has gone (its endpoints have
 * no handlers any more) is replaced on the next call.
 *
 * <p>Its parts: {@link MailboxClaims} (who owns each mailbox), {@link LocalMailboxes} (the
 * mailboxes owned here and the endpoints other brokers reach them by), {@link MailboxAccess} (a
 * mailbox read or written wherever its owner is) and the event-bus consumers, kept reachable
 * across partitions; this class checks the API's arguments, fans publishes out to subscribers,
 * and settles its mailboxes after a split (see {@link #settleMailboxes()}).
 */
public final class EventBusBrokerImpl implements MessageBroker {

  private static final Logger LOG = LoggerFactory.getLogger(EventBusBrokerImpl.class);
  /** The most messages one event-bus frame to subscribers carries. */
  static final int MAX_BATCH_MESSAGES = 128;
  /** A frame to subscribers is sent once its payloads reach this many bytes. */
  static final long MAX_BATCH_BYTES = 64 * 1024;
  /** What a message's frame holds besides its payload, about (ids, timestamp, type). */
  private static final long FRAME_OVERHEAD_BYTES = 96;

  private final Vertx vertx;
  private final EventBus eventBus;
  private final Context context;
  private final BrokerSupport support;
  private final String me;
  private final String controlPrefix;
  private final LocalMailboxes mailboxes;
  private final io.agentbus.cluster.ReachableConsumers consumers;
  /** Publishes to subscribers: those of one event loop's turn to one channel go as one frame. */
  private final FrameCoalescer<Message> toSubscribers;
  private MailboxClaims claims;
  private MailboxAccess access;
  private volatile boolean closed;
  private final io.agentbus.cluster.impl.ClusterMembership membership;
  private AutoCloseable membershipRegistration;

  private EventBusBrokerImpl(Vertx vertx, BrokerOptions options) {
    this.vertx = vertx;
    this.eventBus = vertx.eventBus();
    this.context = vertx.getOrCreateContext();
    this.membership = io.agentbus.cluster.impl.ClusterMembership.of(vertx);
    // the owner id names its node, so a departed node's mailboxes are known to be gone at once
    this.me = membership.localNodeId() + "/" + MessageIds.next();
    this.support = new BrokerSupport(options, me);
    this.controlPrefix = support.channels.namespace() + "/_broker/";
    this.mailboxes = new LocalMailboxes(support, me, () -> closed);
    this.consumers = io.agentbus.cluster.ReachableConsumers.create(vertx, "broker " + me);
    this.toSubscribers = new FrameCoalescer<>(eventBus, MessageCodecImpl.batchCodec(), MAX_BATCH_MESSAGES, MAX_BATCH_BYTES);
  }

  /**
   * Creates a broker and registers its endpoints.
   *
   * @param vertx the Vert.x instance
   * @param options the options
   * @return the broker
   */
  public static Future<MessageBroker> create(Vertx vertx, BrokerOptions options) {
    MessageCodecImpl.registerOn(vertx.eventBus());
    EventBusBrokerImpl broker = new EventBusBrokerImpl(vertx, options);
    Promise<MessageBroker> promise = Promise.promise();
    broker.context.runOnContext(v -> broker.start().<MessageBroker>map(broker).onComplete(promise));
    return promise.future();
  }

  /** @return this broker's id (mailbox owner id) */
  public String id() {
    return me;
  }

  private Future<Void> start() {
    membershipRegistration = membership.addHandler(e -> {
      switch (e.type()) {
        case LEFT -> nodeLeft(e.nodeId());
        case MERGED -> context.runOnContext(v -> settleMailboxes());
        default -> { }
      }
      if (e.type() == io.agentbus.cluster.MembershipEvent.Type.JOINED
          || e.type() == io.agentbus.cluster.MembershipEvent.Type.MERGED) {
        // the cluster may have lost this node's registrations when it re-formed around it
        // (and meanwhile the others, finding no owner there, may have taken this broker's mailboxes over)
        vertx.setTimer(1_000, t -> consumers.verify(controlAddress(me, "store")).onSuccess(renewed -> {
          if (renewed) {
            settleMailboxes();
          }
        }));
      }
    });
    String mapName = "agentbus." + support.channels.namespace() + ".channels";
    Future<AsyncMap<String, String>> map = io.agentbus.cluster.SharedMaps.get(vertx, mapName);
    List<Future<Void>> listening = new ArrayList<>();
    listening.add(consumers.add(() -> eventBus.<Object>consumer(controlAddress(me, "store"), mailboxes::onStore))
        .completion());
    listening.add(consumers.add(() -> eventBus.consumer(controlAddress(me, "consume"), mailboxes::onConsume)).completion());
    listening.add(consumers.add(() -> eventBus.consumer(controlAddress(me, "consume-many"), mailboxes::onConsumeMany))
        .completion());
    listening.add(consumers.add(() -> eventBus.consumer(controlAddress(me, "clear"), mailboxes::onClear)).completion());
    // a broker that closes says so: its mailboxes are forgotten here and what waits for it fails at
    // once (Vert.x drops a request that reaches a node after its handler is gone: it would time out)
    listening.add(consumers.add(() -> eventBus.<String>consumer(closedAddress(), m -> ownerClosed(m.body())))
        .completion());
    return Future.all(map, Future.all(listening))
        .onSuccess(v -> {
          claims = new MailboxClaims(me, membership, map.result(), mailboxes::of);
          access = new MailboxAccess(eventBus, support, me, controlPrefix, mailboxes, claims);
        }).mapEmpty();
  }

  /**
   * This node merged back into the cluster after a split, or found its registrations lost. While
   * apart, this side may have claimed mailboxes the other side claimed too (the merged claim map
   * keeps the other side's claim), and the others, finding no owner here, may have taken over this
   * broker's mailboxes. So the owners cached here are read again and every mailbox kept here that
   * another broker owns now is handed to it, its messages stored there in order (what cannot be
   * stored is counted as dropped and logged). Mailboxes nobody else claimed stay here.
   *
   * @return completes when every mailbox is settled (package-private for the test)
   */
  Future<Void> settleMailboxes() {
    if (closed || claims == null) {
      return Future.succeededFuture();
    }
    claims.forgetOwners();
    List<Future<Void>> handed = new ArrayList<>();
    for (Channel channel : mailboxes.channels()) {
      handed.add(claims.owner(channel).compose(owner -> owner.equals(me) ? Future.succeededFuture()
          : handOver(channel, owner), err -> {
            LOG.warn("after a split: could not read the owner of {}: {}", channel, err.getMessage());
            return Future.succeededFuture();
          }));
    }
    return Future.join(handed).mapEmpty();
  }

  /** Moves the mailbox kept here of a channel {@code owner} holds to it, in order, one message at a time. */
  private Future<Void> handOver(Channel channel, String owner) {
    List<Message> held = mailboxes.handOver(channel);
    if (!held.isEmpty()) {
      LOG.info("after a split: handing {} messages of {} to its owner {}", held.size(), channel, owner);
    }
    Future<Void> chain = Future.succeededFuture();
    for (Message m : held) {
      chain = chain.compose(v -> access.store(channel, m, owner).recover(err -> {
        support.metrics.dropped(channel, BrokerMetrics.REASON_HANDOVER, 1);
        LOG.warn("after a split: message {} of {} could not be handed to {}: {}", m.id(), channel, owner, err.getMessage());
        return Future.succeededFuture();
      }));
    }
    return chain;
  }

  @Override
  public Channels channels() {
    return support.channels;
  }

  @Override
  public MessageTypeRegistry messageTypes() {
    return support.messageTypes;
  }

  @Override
  public Future<Void> createChannel(Channel channel) {
    return guarded("createChannel", () -> claims.owner(support.checkChannel(channel)).mapEmpty());
  }

  @Override
  public Future<Void> publish(Channel channel, Message message) {
    return guarded("publish", () -> {
      long bytes = support.checkPublish(channel, message) + FRAME_OVERHEAD_BYTES;
      return onBusContext(() -> {
        String owner = claims.known(channel.address());
        if (owner == null) {
          return claims.owner(channel).compose(o -> publishTo(channel, message, o, bytes));
        }
        return publishTo(channel, message, owner, bytes);
      });
    });
  }

  private Future<Void> publishTo(Channel channel, Message message, String owner, long bytes) {
    // stored first, handed to subscribers only once the mailbox accepted it
    return access.store(channel, message, owner).onSuccess(v -> {
      toSubscribers.publish(channel.address(), message, bytes);
      support.metrics.published(channel);
    });
  }

  @Override
  public Future<List<Message>> consume(Channel channel, String recipientId, String envId, boolean clear) {
    return guarded("consume", () -> {
      support.checkConsume(channel, recipientId, envId);
      return onBusContext(() -> claims.owner(channel)
          .compose(owner -> access.consume(channel, recipientId, envId, clear, owner)));
    });
  }

  @Override
  public Future<Map<Channel, List<Message>>> consumeAll(List<Channel> channels, String recipientId, String envId,
                                                         boolean clear) {
    return guarded("consume", () -> {
      channels.forEach(c -> support.checkConsume(c, recipientId, envId));
      return onBusContext(() -> access.consumeAll(channels, recipientId, envId, clear));
    });
  }

  @Override
  public Future<ChannelSubscription> subscribe(Channel channel, Handler<Message> handler) {
    return guarded("subscribe", () -> {
      support.checkChannel(channel);
      // the handler runs where the caller subscribed; the bus's consumer runs on the broker's context
      BusSubscriber subscriber = new BusSubscriber(channel, handler, vertx.getOrCreateContext(), support, this::malformed);
      return onContext(() -> subscriber.listen(consumers, eventBus));
    });
  }

  @Override
  public Future<Void> clearEnvironment(String envId) {
    return guarded("clearEnvironment", () -> {
      Ids.check("env id", envId);
      mailboxes.clearEnvironment(envId);
      return claims.otherOwnersIn(envId).compose(remoteOwners -> {
        List<Future<Void>> acks = new ArrayList<>();
        remoteOwners.forEach(owner -> acks.add(access.clearAt(owner, envId)));
        return Future.all(acks).mapEmpty();
      });
    });
  }

  @Override
  public Future<List<Channel>> environmentChannels(String envId) {
    return guarded("environmentChannels", () -> {
      Ids.check("env id", envId);
      return claims.addressesIn(envId).map(addresses -> addresses.stream().map(Channel::parse)
          .sorted(Comparator.comparing(Channel::address)).collect(Collectors.toList()));
    });
  }

  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    eventBus.publish(closedAddress(), me);
    try {
      if (membershipRegistration != null) {
        membershipRegistration.close();
      }
    } catch (Exception ignored) {
      // nothing to release
    }
    membership.close();
    List<Future<?>> done = new ArrayList<>();
    done.add(consumers.closeAll());
    mailboxes.discardAll();
    done.add(claims.releaseMine());
    return Future.join(done).<Void>mapEmpty().otherwiseEmpty();
  }

  // --- owners that went away ----------------------------------------------------------------

  /** Broker {@code owner} closed: forget its mailboxes and fail what waits for it, so the next claim takes over. */
  private void ownerClosed(String owner) {
    if (owner == null || owner.equals(me)) {
      return;
    }
    if (claims != null) {
      claims.ownerClosed(owner);
    }
    if (access != null) {
      access.ownerClosed(owner);
    }
  }

  private String closedAddress() {
    return controlPrefix + "closed";
  }

  /** A node left: forget the mailbox owners on it and fail what waits for them, so the next claim takes over. */
  private void nodeLeft(String node) {
    if (claims != null) {
      claims.nodeLeft(node);
    }
    if (access != null) {
      access.nodeLeft(node);
    }
  }

  /**
   * Runs event-bus work from a non-Vert.x thread on the broker's context, so that calls made in
   * sequence from one plain thread keep their order (Vert.x would otherwise pick a new context per
   * call). Calls from a Vert.x context run directly: that context already orders them.
   */
  private <T> Future<T> onBusContext(Supplier<Future<T>> work) {
    if (Vertx.currentContext() != null) {
      return work.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(promise));
    return promise.future();
  }

  /** Runs {@code work} on the broker's own context, from wherever it is called. */
  private <T> Future<T> onContext(Supplier<Future<T>> work) {
    if (Vertx.currentContext() == context) {
      return work.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(promise));
    return promise.future();
  }

  // --- helpers ---------------------------------------------------------------------------------

  private void malformed(Channel channel, Object body) {
    mailboxes.malformed(channel, body);
  }

  private String controlAddress(String broker, String op) {
    return MailboxAccess.controlAddress(controlPrefix, broker, op);
  }

  private <T> Future<T> guarded(String operation, Supplier<Future<T>> body) {
    if (closed) {
      return Future.failedFuture(new BrokerClosedException(operation));
    }
    try {
      return body.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
