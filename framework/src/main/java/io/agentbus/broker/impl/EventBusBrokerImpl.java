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
import io.agentbus.message.impl.CorruptFrame;
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
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
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
  private static final String CHANNEL_HEADER = "agentbus-channel";
  private static final int STATUS_REJECTED = 503;
  private static final int STATUS_BAD_REQUEST = 400;

  private final Vertx vertx;
  private final EventBus eventBus;
  private final Context context;
  private final BrokerSupport support;
  private final String me;
  private final String controlPrefix;
  private final Map<Channel, Mailbox> mailboxes = new ConcurrentHashMap<>();
  private final Map<String, String> owners = new ConcurrentHashMap<>();
  private final Map<String, Future<String>> claiming = new ConcurrentHashMap<>();
  private final Set<MessageConsumer<?>> consumers = ConcurrentHashMap.newKeySet();
  private AsyncMap<String, String> claims;
  private volatile boolean closed;
  private final io.agentbus.cluster.impl.ClusterMembership membership;
  /** Requests waiting for each owner's reply: failed at once (as "no handlers") when its node leaves. */
  private final io.agentbus.cluster.impl.RequestsInFlight<String> awaiting = new io.agentbus.cluster.impl.RequestsInFlight<>();
  /** Brokers that announced their close, most recent last (bounded): their claims are stale. */
  private final java.util.Set<String> closedOwners = java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(
      new java.util.LinkedHashMap<String, Boolean>() {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
          return size() > 1_024;
        }
      }));
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
      if (e.type() == io.agentbus.cluster.MembershipEvent.Type.LEFT) {
        nodeLeft(e.nodeId());
      }
    });
    String mapName = "agentbus." + support.channels.namespace() + ".channels";
    Future<AsyncMap<String, String>> map = io.agentbus.cluster.SharedMaps.get(vertx, mapName);
    MessageConsumer<Object> store = consumer(controlAddress(me, "store"), null);
    store.handler(this::onStore);
    MessageConsumer<JsonObject> consume = eventBus.consumer(controlAddress(me, "consume"), this::onConsume);
    MessageConsumer<JsonObject> clear = eventBus.consumer(controlAddress(me, "clear"), this::onClear);
    // a broker that closes says so: its mailboxes are forgotten here and what waits for it fails at
    // once (Vert.x drops a request that reaches a node after its handler is gone: it would time out)
    MessageConsumer<String> closing = eventBus.consumer(closedAddress(), m -> ownerClosed(m.body()));
    consumers.addAll(List.of(store, consume, clear, closing));
    return Future.all(List.of(map, store.completion(), consume.completion(), clear.completion(), closing.completion()))
        .onSuccess(v -> claims = map.result()).mapEmpty();
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
    return guarded("createChannel", () -> owner(support.checkChannel(channel)).mapEmpty());
  }

  @Override
  public Future<Void> publish(Channel channel, Message message) {
    return guarded("publish", () -> {
      support.checkPublish(channel, message);
      return onBusContext(() -> {
        String owner = owners.get(channel.address());
        if (owner == null) {
          return owner(channel).compose(o -> publishTo(channel, message, o));
        }
        return publishTo(channel, message, owner);
      });
    });
  }

  private Future<Void> publishTo(Channel channel, Message message, String owner) {
    if (owner.equals(me)) {
      try {
        mailbox(channel).store(message);
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
    DeliveryOptions opts = requestOptions().addHeader(CHANNEL_HEADER, channel.address());
    return this.<Object>requestTo(owner, controlAddress(owner, "store"), message, opts)
        .<Void>mapEmpty()
        .recover(err -> ownerGone(err) && mayRetry
            ? replaceOwner(channel, owner).compose(o -> o.equals(me)
                ? storeLocally(channel, message) : storeRemotely(channel, message, o, false))
            : Future.failedFuture(requestFailure("store in the mailbox of", channel, owner, err)));
  }

  private Future<Void> storeLocally(Channel channel, Message message) {
    try {
      mailbox(channel).store(message);
      return Future.succeededFuture();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<List<Message>> consume(Channel channel, String recipientId, String envId, boolean clear) {
    return guarded("consume", () -> {
      support.checkConsume(channel, recipientId, envId);
      return onBusContext(() -> owner(channel)
          .compose(id -> consumeFrom(channel, recipientId, envId, clear, id, true)));
    });
  }

  private Future<List<Message>> consumeFrom(Channel channel, String recipientId, String envId, boolean clear,
                                            String owner, boolean mayRetry) {
    if (owner.equals(me)) {
      return Future.succeededFuture(mailbox(channel).consume(recipientId, envId, clear));
    }
    JsonObject req = new JsonObject().put("channel", channel.address()).put("recipientId", recipientId)
        .put("envId", envId).put("clear", clear);
    return this.<Buffer>requestTo(owner, controlAddress(owner, "consume"), req, requestOptions())
        .map(reply -> MessageFrames.decode(reply.body()))
        .recover(err -> ownerGone(err) && mayRetry
            ? replaceOwner(channel, owner).compose(o -> consumeFrom(channel, recipientId, envId, clear, o, false))
            : Future.failedFuture(requestFailure("consume from the mailbox of", channel, owner, err)));
  }

  @Override
  public Future<ChannelSubscription> subscribe(Channel channel, Handler<Message> handler) {
    return guarded("subscribe", () -> {
      support.checkChannel(channel);
      MessageConsumer<Object> consumer = consumer(channel.address(), channel);
      Counter delivered = support.metrics.subscriberDeliveries(channel);
      consumer.handler(m -> deliver(channel, m.body(), handler, delivered));
      consumers.add(consumer);
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
      mailboxes.values().forEach(mb -> mb.clearEnvironment(envId));
      return claims.entries().compose(all -> {
        Set<String> remoteOwners = all.entrySet().stream()
            .filter(e -> envOf(e.getKey()).equals(envId) && !e.getValue().equals(me))
            .map(Map.Entry::getValue).collect(Collectors.toSet());
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
      return claims.keys().map(keys -> keys.stream().filter(k -> envOf(k).equals(envId)).map(Channel::parse)
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
    consumers.forEach(c -> done.add(c.unregister()));
    consumers.clear();
    mailboxes.values().forEach(Mailbox::discard);
    mailboxes.clear();
    owners.clear();
    done.add(claims.entries().compose(all -> Future.all(all.entrySet().stream()
        .filter(e -> e.getValue().equals(me))
        .map(e -> claims.removeIfPresent(e.getKey(), me)).collect(Collectors.toList()))));
    return Future.join(done).<Void>mapEmpty().otherwiseEmpty();
  }

  // --- mailbox ownership -----------------------------------------------------------------------

  /** @return the cluster node of a mailbox owner id, or null for an id without one */
  private static String nodeOf(String owner) {
    int slash = owner.indexOf('/');
    return slash < 0 ? null : owner.substring(0, slash);
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

  private <T> Future<io.vertx.core.eventbus.Message<T>> requestTo(String owner, String address, Object body, DeliveryOptions opts) {
    return awaiting.track(owner, eventBus.<T>request(address, body, opts));
  }

  /** Broker {@code owner} closed: forget its mailboxes and fail what waits for it, so the next claim takes over. */
  private void ownerClosed(String owner) {
    if (owner == null || owner.equals(me)) {
      return;
    }
    closedOwners.add(owner);
    owners.values().removeIf(owner::equals);
    awaiting.failAll(owner::equals, o -> new ReplyException(ReplyFailure.NO_HANDLERS, "broker " + o + " closed"));
  }

  private String closedAddress() {
    return controlPrefix + "closed";
  }

  /** A node left: forget the mailbox owners on it and fail what waits for them, so the next claim takes over. */
  private void nodeLeft(String node) {
    owners.values().removeIf(o -> node.equals(nodeOf(o)));
    // failed as "no handlers": the callers then claim the mailbox again, as for an owner that closed
    awaiting.failAll(o -> node.equals(nodeOf(o)), o -> new ReplyException(ReplyFailure.NO_HANDLERS, "broker " + o + " left with its node"));
  }


  private Future<String> owner(Channel channel) {
    String known = owners.get(channel.address());
    return known != null ? Future.succeededFuture(known) : claim(channel, null);
  }

  private Future<String> replaceOwner(Channel channel, String stale) {
    owners.remove(channel.address(), stale);
    LOG.info("mailbox owner {} of {} is gone; claiming it again", stale, channel);
    return claim(channel, stale);
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
    claimOnce(address, stale, 3).onComplete(ar -> {
      if (ar.succeeded()) {
        if (ar.result().equals(me)) {
          mailbox(channel);
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

  private Mailbox mailbox(Channel channel) {
    return mailboxes.computeIfAbsent(channel, support::newMailbox);
  }

  // --- endpoints served to other brokers -------------------------------------------------------

  private void onStore(io.vertx.core.eventbus.Message<Object> request) {
    String address = request.headers().get(CHANNEL_HEADER);
    Object body = request.body();
    Channel channel;
    try {
      channel = Channel.parse(address);
    } catch (RuntimeException e) {
      malformed(null, "bad channel header: " + e.getMessage());
      request.fail(STATUS_BAD_REQUEST, e.getMessage());
      return;
    }
    if (!(body instanceof Message)) {
      malformed(channel, body);
      request.fail(STATUS_BAD_REQUEST, "malformed message frame");
      return;
    }
    if (closed) {
      support.metrics.dropped(channel, BrokerMetrics.REASON_CLOSED, 1);
      request.fail(STATUS_REJECTED, "broker " + me + " is closed");
      return;
    }
    try {
      mailbox(channel).store((Message) body);
      request.reply(null);
    } catch (io.agentbus.broker.MailboxFullException e) {
      request.fail(io.agentbus.broker.MailboxFullException.FAILURE_CODE, e.getMessage());
    } catch (RuntimeException e) {
      request.fail(STATUS_REJECTED, e.getMessage());
    }
  }

  private void onConsume(io.vertx.core.eventbus.Message<JsonObject> request) {
    try {
      JsonObject q = request.body();
      Channel channel = Channel.parse(q.getString("channel"));
      support.checkConsume(channel, q.getString("recipientId"), q.getString("envId"));
      List<Message> out = mailbox(channel).consume(q.getString("recipientId"), q.getString("envId"),
          q.getBoolean("clear", true));
      request.reply(MessageFrames.encode(out));
    } catch (RuntimeException e) {
      request.fail(STATUS_BAD_REQUEST, e.getMessage());
    }
  }

  private void onClear(io.vertx.core.eventbus.Message<JsonObject> request) {
    try {
      String envId = Ids.check("env id", request.body().getString("envId"));
      mailboxes.values().forEach(mb -> mb.clearEnvironment(envId));
      request.reply(null);
    } catch (RuntimeException e) {
      request.fail(STATUS_BAD_REQUEST, e.getMessage());
    }
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
    String reason = body instanceof CorruptFrame ? ((CorruptFrame) body).reason()
        : "unexpected body " + (body == null ? "null" : body.getClass().getName());
    support.metrics.dropped(channel, BrokerMetrics.REASON_MALFORMED, 1);
    LOG.warn("dropped a malformed message on {}: {}", channel == null ? "broker " + me : channel, reason);
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

  private static String envOf(String address) {
    String[] parts = address.split("/", 4);
    return parts.length >= 3 ? parts[2] : "";
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
    private final MessageConsumer<Object> consumer;

    BusSubscription(Channel channel, MessageConsumer<Object> consumer) {
      this.channel = channel;
      this.consumer = consumer;
    }

    @Override
    public Channel channel() {
      return channel;
    }

    @Override
    public Future<Void> unsubscribe() {
      consumers.remove(consumer);
      return consumer.isRegistered() ? consumer.unregister() : Future.succeededFuture();
    }
  }
}
