package io.agentbus.broker.impl;

import io.agentbus.broker.MailboxFullException;
import io.agentbus.channel.Channel;
import io.agentbus.cluster.impl.EventBusRegistrations;
import io.agentbus.cluster.impl.RequestsInFlight;
import io.agentbus.message.Message;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stores into and reads from a channel's mailbox wherever its owner is: here directly, at another
 * broker by a request to its endpoints ({@link LocalMailboxes} on that side). An owner that turns
 * out to be gone (its endpoints have no handlers) is replaced by claiming the mailbox again, once
 * per call; a request in flight to an owner that closes or whose node leaves fails at once, as
 * "no handlers", so that it is claimed again too. The other failures keep their meaning: a full
 * mailbox is a {@link MailboxFullException} also across the wire, a silent owner a timeout naming it.
 *
 * <p>Threads: the broker's context or the caller's Vert.x context; the claims and the tracking of
 * requests in flight are thread-safe.
 */
final class MailboxAccess {

  private final EventBus eventBus;
  private final BrokerSupport support;
  private final String me;
  private final String controlPrefix;
  private final LocalMailboxes mailboxes;
  private final MailboxClaims claims;
  private final RequestsInFlight<String> awaiting = new RequestsInFlight<>();

  MailboxAccess(EventBus eventBus, BrokerSupport support, String me, String controlPrefix, LocalMailboxes mailboxes,
                MailboxClaims claims) {
    this.eventBus = eventBus;
    this.support = support;
    this.me = me;
    this.controlPrefix = controlPrefix;
    this.mailboxes = mailboxes;
    this.claims = claims;
  }

  /** @return the address of endpoint {@code op} (store, consume, consume-many, clear) of {@code broker} */
  static String controlAddress(String controlPrefix, String broker, String op) {
    return controlPrefix + broker + "/" + op;
  }

  /** Stores {@code message} in the channel's mailbox at {@code owner}; completes once the mailbox accepted it. */
  Future<Void> store(Channel channel, Message message, String owner) {
    return owner.equals(me) ? storeLocally(channel, message) : storeRemotely(channel, message, owner, true);
  }

  private Future<Void> storeRemotely(Channel channel, Message message, String owner, boolean mayRetry) {
    DeliveryOptions opts = requestOptions().addHeader(LocalMailboxes.CHANNEL_HEADER, channel.address());
    return this.<Object>requestTo(owner, "store", message, opts)
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

  /** Reads the recipient's messages of {@code envId} from the channel's mailbox at {@code owner}. */
  Future<List<Message>> consume(Channel channel, String recipientId, String envId, boolean clear, String owner) {
    return consumeFrom(channel, recipientId, envId, clear, owner, true);
  }

  private Future<List<Message>> consumeFrom(Channel channel, String recipientId, String envId, boolean clear,
                                            String owner, boolean mayRetry) {
    if (owner.equals(me)) {
      return Future.succeededFuture(mailboxes.of(channel).consume(recipientId, envId, clear));
    }
    JsonObject req = new JsonObject().put("channel", channel.address()).put("recipientId", recipientId)
        .put("envId", envId).put("clear", clear);
    return this.<Buffer>requestTo(owner, "consume", req, requestOptions())
        .map(reply -> MessageFrames.decode(reply.body()))
        .recover(err -> ownerGone(err) && mayRetry
            ? claims.replace(channel, owner).compose(o -> consumeFrom(channel, recipientId, envId, clear, o, false))
            : Future.failedFuture(requestFailure("consume from the mailbox of", channel, owner, err)));
  }

  /**
   * Reads the recipient's messages from several channels: one request per owner for all its
   * channels, the owners asked in parallel.
   *
   * @return each distinct channel's messages, in the order the channels were named
   */
  Future<Map<Channel, List<Message>>> consumeAll(List<Channel> channels, String recipientId, String envId,
                                                 boolean clear) {
    List<Channel> distinct = new ArrayList<>(new LinkedHashSet<>(channels));
    List<Future<String>> owners = new ArrayList<>(distinct.size());
    distinct.forEach(c -> owners.add(claims.owner(c)));
    return Future.all(owners).compose(v -> {
      Map<String, List<Channel>> byOwner = new LinkedHashMap<>();
      for (int i = 0; i < distinct.size(); i++) {
        byOwner.computeIfAbsent(owners.get(i).result(), o -> new ArrayList<>()).add(distinct.get(i));
      }
      Map<Channel, List<Message>> read = new ConcurrentHashMap<>();
      List<Future<Void>> parts = new ArrayList<>(byOwner.size());
      byOwner.forEach((owner, chs) -> parts.add(consumeMany(chs, recipientId, envId, clear, owner, read)));
      return Future.all(parts).map(w -> {
        Map<Channel, List<Message>> out = new LinkedHashMap<>();
        distinct.forEach(c -> out.put(c, read.get(c)));
        return out;
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
    return this.<Buffer>requestTo(owner, "consume-many", req, requestOptions())
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

  /** Clears environment {@code envId} from the mailboxes of {@code owner}, another broker (gone: nothing to clear). */
  Future<Void> clearAt(String owner, String envId) {
    return eventBus.request(controlAddress(controlPrefix, owner, "clear"), new JsonObject().put("envId", envId),
            requestOptions())
        .<Void>mapEmpty()
        .recover(err -> ownerGone(err) ? Future.succeededFuture()
            : Future.failedFuture(new IllegalStateException("clearing environment " + envId
            + " on broker " + owner + " failed: " + err.getMessage(), err)));
  }

  /** Broker {@code owner} closed: what waits for it fails at once, so the next claim takes over. */
  void ownerClosed(String owner) {
    awaiting.failAll(owner::equals, o -> new ReplyException(ReplyFailure.NO_HANDLERS, "broker " + o + " closed"));
  }

  /** {@code node} left: what waits for its brokers fails at once (as "no handlers": the callers claim again). */
  void nodeLeft(String node) {
    awaiting.failAll(o -> node.equals(MailboxClaims.nodeOf(o)),
        o -> new ReplyException(ReplyFailure.NO_HANDLERS, "broker " + o + " left with its node"));
  }

  private <T> Future<io.vertx.core.eventbus.Message<T>> requestTo(String owner, String op, Object body,
                                                                  DeliveryOptions opts) {
    if (claims.gone(owner)) {
      // its node has left (the failure of what was in flight to it is already past): a request
      // sent now would wait its whole timeout for a connection that cannot be made
      return Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "broker " + owner + " is gone"));
    }
    return awaiting.track(owner, eventBus.<T>request(controlAddress(controlPrefix, owner, op), body, opts));
  }

  private DeliveryOptions requestOptions() {
    return new DeliveryOptions().setSendTimeout(support.options.getRequestTimeoutMillis());
  }

  private static boolean ownerGone(Throwable err) {
    return EventBusRegistrations.noHandlers(err);
  }

  private RuntimeException requestFailure(String what, Channel channel, String owner, Throwable err) {
    if (err instanceof ReplyException && ((ReplyException) err).failureCode() == MailboxFullException.FAILURE_CODE
        && ((ReplyException) err).failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return new MailboxFullException(err.getMessage());  // the documented type, across the wire too
    }
    if (err instanceof ReplyException && ((ReplyException) err).failureType() == ReplyFailure.TIMEOUT) {
      return new IllegalStateException("could not " + what + " " + channel + ": broker " + owner
          + " did not answer within " + support.options.getRequestTimeoutMillis() + " ms", err);
    }
    return new IllegalStateException("could not " + what + " " + channel + " on broker " + owner + ": "
        + err.getMessage(), err);
  }
}
