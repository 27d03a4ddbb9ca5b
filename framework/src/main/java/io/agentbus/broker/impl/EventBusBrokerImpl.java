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
import io.agentbus.message.impl.MessageCodecImpl;
import io.agentbus.message.MessageIds;
import io.agentbus.metrics.BrokerMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageConsumerOptions;
import io.vertx.core.eventbus.impl.MessageConsumerImpl;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@link MessageBroker} on the Vert.x event bus, identical in one JVM and across a cluster.
 *
 * <p>Subscribers are event-bus consumers of the channel's address: a publish is one event-bus
 * publish. For pull consumers, each channel has one mailbox, kept by the broker that first claimed
 * the channel (created it, published to it or consumed from it) in a cluster-wide map. The owner is
 * cached, so a publish looks nothing up in the cluster after the first one. A publish stores the
 * message in the mailbox directly when this broker owns it, otherwise by a request to the owner
 * (acknowledged, so a later consume anywhere sees it). An owner that has gone (its endpoints have
 * no handlers any more) is replaced on the next call.
 */
public final class EventBusBrokerImpl implements MessageBroker {

  private static final Logger LOG = LoggerFactory.getLogger(EventBusBrokerImpl.class);

  private final Vertx vertx;
  private final EventBus eventBus;
  private final Context context;
  private final BrokerSupport support;
  private final String me;
  private final String controlPrefix;
  private final LocalMailboxes mailboxes;
  private final io.agentbus.cluster.impl.ReachableConsumers consumers;
  private MailboxClaims claims;
  private volatile boolean closed;
  private final io.agentbus.cluster.impl.ClusterMembership membership;
  /** Requests waiting for each owner's reply: failed at once (as "no handlers") when its node leaves. */
  private final io.agentbus.cluster.impl.RequestsInFlight<String> awaiting = new io.agentbus.cluster.impl.RequestsInFlight<>();
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
    this.consumers = new io.agentbus.cluster.impl.ReachableConsumers(vertx, "broker " + me);
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
    listening.add(consumers.add(() -> this.<Object>consumer(controlAddress(me, "store"), null).handler(mailboxes::onStore))
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
        .onSuccess(v -> claims = new MailboxClaims(me, membership, map.result(), mailboxes::of)).mapEmpty();
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
      chain = chain.compose(v -> storeRemotely(channel, m, owner, true).recover(err -> {
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
      support.checkPublish(channel, message);
      return onBusContext(() -> {
        String owner = claims.known(channel.address());
        if (owner == null) {
          return claims.owner(channel).compose(o -> publishTo(channel, message, o));
        }
        return publishTo(channel, message, owner);
      });
    });
  }

  private Future<Void> publishTo(Channel channel, Message message, String owner) {
    if (owner.equals(me)) {
      try {
        mailboxes.of(channel).store(message);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
      eventBus.publish(channel.address(), message);
      support.metrics.published(channel);
      return Future.succeededFuture();
    }
    // as on the local path: stored first, handed to subscribers only once the mailbox accepted it
    return storeRemotely(channel, message, owner, true).onSuccess(v -> {
      eventBus.publish(channel.address(), message);
      support.metrics.published(channel);
    });
  }

  private Future<Void> storeRemotely(Channel channel, Message message, String owner, boolean mayRetry) {
    DeliveryOptions opts = requestOptions().addHeader(LocalMailboxes.CHANNEL_HEADER, channel.address());
    return this.<Object>requestTo(owner, controlAddress(owner, "store"), message, opts)
        .<Void>mapEmpty()
        .recover(err -> ownerGone(err) && mayRetry
            ? claims.replace(channel, owner).compose(o -> o.equals(me)
                ? storeLocally(channel, message) : storeRemotely(channel, message, o, false))
            : Future.failedFuture(requestFailure("store in the mailbox of", channel, owner, err)));
  }

  private Future<Void> storeLocally(Channel channel, Message message) {
    try {
      mailboxes.of(channel).store(message);
      return Future.succeededFuture();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<List<Message>> consume(Channel channel, String recipientId, String envId, boolean clear) {
    return guarded("consume", () -> {
      support.checkConsume(channel, recipientId, envId);
      return onBusContext(() -> claims.owner(channel)
          .compose(id -> consumeFrom(channel, recipientId, envId, clear, id, true)));
    });
  }

  private Future<List<Message>> consumeFrom(Channel channel, String recipientId, String envId, boolean clear,
                                            String owner, boolean mayRetry) {
    if (owner.equals(me)) {
      return Future.succeededFuture(mailboxes.of(channel).consume(recipientId, envId, clear));
    }
    JsonObject req = new JsonObject().put("channel", channel.address()).put("recipientId", recipientId)
        .put("envId", envId).put("clear", clear);
    return this.<Buffer>requestTo(owner, controlAddress(owner, "consume"), req, requestOptions())
        .map(reply -> MessageFrames.decode(reply.body()))
        .recover(err -> ownerGone(err) && mayRetry
            ? claims.replace(channel, owner).compose(o -> consumeFrom(channel, recipientId, envId, clear, o, false))
            : Future.failedFuture(requestFailure("consume from the mailbox of", channel, owner, err)));
  }

  @Override
  public Future<Map<Channel, List<Message>>> consumeAll(List<Channel> channels, String recipientId, String envId,
                                                         boolean clear) {
    return guarded("consume", () -> {
      List<Channel> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(channels));
      distinct.forEach(c -> support.checkConsume(c, recipientId, envId));
      return onBusContext(() -> {
        List<Future<String>> owners = new ArrayList<>(distinct.size());
        distinct.forEach(c -> owners.add(claims.owner(c)));
        return Future.all(owners).compose(v -> {
          Map<String, List<Channel>> byOwner = new LinkedHashMap<>();
          for (int i = 0; i < distinct.size(); i++) {
            byOwner.computeIfAbsent(owners.get(i).result(), o -> new ArrayList<>()).add(distinct.get(i));
          }
          Map<Channel, List<Message>> read = new java.util.concurrent.ConcurrentHashMap<>();
          List<Future<Void>> parts = new ArrayList<>(byOwner.size());
          byOwner.forEach((owner, chs) -> parts.add(consumeMany(chs, recipientId, envId, clear, owner, read)));
          return Future.all(parts).map(w -> {
            Map<Channel, List<Message>> out = new LinkedHashMap<>();
            distinct.forEach(c -> out.put(c, read.get(c)));
            return out;
          });
        });
      });
    });
  }

  /** One owner's part of a batched consume: one request for all its channels (one by one if it is gone). */
  private Future<Void> consumeMany(List<Channel> chs, String recipientId, String envId, boolean clear, String owner,
                                   Map<Channel, List<Message>> read) {
    if (owner.equals(me) || chs.size() == 1 || chs.size() > LocalMailboxes.MAX_BATCH) {
      return consumeEach(chs, recipientId, envId, clear, owner, read);
    }
    JsonArray addresses = new JsonArray();
    chs.forEach(c -> addresses.add(c.address()));
    JsonObject req = new JsonObject().put("channels", addresses).put("recipientId", recipientId).put("envId", envId)
        .put("clear", clear);
    return this.<Buffer>requestTo(owner, controlAddress(owner, "consume-many"), req, requestOptions())
        .<Void>map(reply -> {
          List<List<Message>> lists = MessageFrames.decodeAll(reply.body(), chs.size());
          for (int i = 0; i < chs.size(); i++) {
            read.put(chs.get(i), lists.get(i));
          }
          return null;
        })
        .recover(err -> ownerGone(err)
            // its owner left: each channel is claimed again and read on its own
            ? consumeEach(chs, recipientId, envId, clear, owner, read)
            : Future.failedFuture(requestFailure("consume from the mailbox of", chs.get(0), owner, err)));
  }

  private Future<Void> consumeEach(List<Channel> chs, String recipientId, String envId, boolean clear, String owner,
                                   Map<Channel, List<Message>> read) {
    List<Future<Void>> each = new ArrayList<>(chs.size());
    chs.forEach(c -> each.add(consumeFrom(c, recipientId, envId, clear, owner, true).map(l -> {
      read.put(c, l);
      return null;
    })));
    return Future.all(each).mapEmpty();
  }

  @Override
  public Future<ChannelSubscription> subscribe(Channel channel, Handler<Message> handler) {
    return guarded("subscribe", () -> {
      support.checkChannel(channel);
      Counter delivered = support.metrics.subscriberDeliveries(channel);
      io.agentbus.cluster.impl.ReachableConsumers.Endpoint consumer = consumers.add(() -> this.<Object>consumer(
          channel.address(), channel).handler(m -> deliver(channel, m.body(), handler, delivered)));
      return consumer.completion().<ChannelSubscription>map(v -> new BusSubscription(channel, consumer));
    });
  }

  private void deliver(Channel channel, Object body, Handler<Message> handler, Counter delivered) {
    if (!(body instanceof Message)) {
      malformed(channel, body);
      return;
    }
    try {
      handler.handle((Message) body);
      delivered.increment();
    } catch (Throwable t) {
      support.metrics.handlerFailed(channel);
      LOG.warn("subscriber of {} failed on message {}", channel, ((Message) body).id(), t);
    }
  }

  @Override
  public Future<Void> clearEnvironment(String envId) {
    return guarded("clearEnvironment", () -> {
      Ids.check("env id", envId);
      mailboxes.clearEnvironment(envId);
      return claims.otherOwnersIn(envId).compose(remoteOwners -> {
        List<Future<?>> acks = new ArrayList<>();
        for (String owner : remoteOwners) {
          acks.add(eventBus.request(controlAddress(owner, "clear"), new JsonObject().put("envId", envId), requestOptions())
              .recover(err -> ownerGone(err) ? Future.succeededFuture()
                  : Future.failedFuture(new IllegalStateException("clearing environment " + envId
                  + " on broker " + owner + " failed: " + err.getMessage(), err))));
        }
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

  private <T> Future<io.vertx.core.eventbus.Message<T>> requestTo(String owner, String address, Object body, DeliveryOptions opts) {
    return awaiting.track(owner, eventBus.<T>request(address, body, opts));
  }

  /** Broker {@code owner} closed: forget its mailboxes and fail what waits for it, so the next claim takes over. */
  private void ownerClosed(String owner) {
    if (owner == null || owner.equals(me)) {
      return;
    }
    if (claims != null) {
      claims.ownerClosed(owner);
    }
    awaiting.failAll(owner::equals, o -> new ReplyException(ReplyFailure.NO_HANDLERS, "broker " + o + " closed"));
  }

  private String closedAddress() {
    return controlPrefix + "closed";
  }

  /** A node left: forget the mailbox owners on it and fail what waits for them, so the next claim takes over. */
  private void nodeLeft(String node) {
    if (claims != null) {
      claims.nodeLeft(node);
    }
    // failed as "no handlers": the callers then claim the mailbox again, as for an owner that closed
    awaiting.failAll(o -> node.equals(MailboxClaims.nodeOf(o)),
        o -> new ReplyException(ReplyFailure.NO_HANDLERS, "broker " + o + " left with its node"));
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

  // --- helpers ---------------------------------------------------------------------------------

  /**
   * A consumer with our buffer size. Vert.x discards messages beyond it when the consumer falls
   * behind; those drops are counted (reason {@value BrokerMetrics#REASON_CONSUMER_OVERFLOW}).
   */
  private <T> MessageConsumer<T> consumer(String address, Channel channel) {
    MessageConsumer<T> c = eventBus.consumer(new MessageConsumerOptions().setAddress(address)
        .setMaxBufferedMessages(support.options.getConsumerBufferSize()));
    if (c instanceof MessageConsumerImpl) {
      // discardHandler is not on the public interface in Vert.x 5.0
      ((MessageConsumerImpl<T>) c).discardHandler(m -> support.metrics.dropped(channel, BrokerMetrics.REASON_CONSUMER_OVERFLOW, 1));
    }
    return c;
  }

  private void malformed(Channel channel, Object body) {
    mailboxes.malformed(channel, body);
  }

  private String controlAddress(String broker, String op) {
    return controlPrefix + broker + "/" + op;
  }

  private DeliveryOptions requestOptions() {
    return new DeliveryOptions().setSendTimeout(support.options.getRequestTimeoutMillis());
  }

  private static boolean ownerGone(Throwable err) {
    return io.agentbus.cluster.impl.EventBusRegistrations.noHandlers(err);
  }

  private RuntimeException requestFailure(String what, Channel channel, String owner, Throwable err) {
    if (err instanceof ReplyException && ((ReplyException) err).failureCode() == io.agentbus.broker.MailboxFullException.FAILURE_CODE
        && ((ReplyException) err).failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return new io.agentbus.broker.MailboxFullException(err.getMessage());  // the documented type, across the wire too
    }
    if (err instanceof ReplyException && ((ReplyException) err).failureType() == ReplyFailure.TIMEOUT) {
      return new IllegalStateException("could not " + what + " " + channel + ": broker " + owner
          + " did not answer within " + support.options.getRequestTimeoutMillis() + " ms", err);
    }
    return new IllegalStateException("could not " + what + " " + channel + " on broker " + owner + ": "
        + err.getMessage(), err);
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

  private final class BusSubscription implements ChannelSubscription {
    private final Channel channel;
    private final io.agentbus.cluster.impl.ReachableConsumers.Endpoint consumer;

    BusSubscription(Channel channel, io.agentbus.cluster.impl.ReachableConsumers.Endpoint consumer) {
      this.channel = channel;
      this.consumer = consumer;
    }

    @Override
    public Channel channel() {
      return channel;
    }

    @Override
    public Future<Void> unsubscribe() {
      return consumer.unregister();
    }
  }
}
