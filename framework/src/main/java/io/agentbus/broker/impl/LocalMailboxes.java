package io.agentbus.broker.impl;

import io.agentbus.broker.MailboxFullException;
import io.agentbus.channel.Channel;
import io.agentbus.message.Message;
import io.agentbus.message.impl.CorruptFrame;
import io.agentbus.error.ThrottledWarning;
import io.agentbus.metrics.BrokerMetrics;
import io.agentbus.channel.Ids;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The mailboxes this broker owns, and the endpoints through which the other brokers of the cluster
 * store into them, consume from them and clear them (each request answered, or failed with a
 * status: 400 for a malformed request, 503 when refused, {@link MailboxFullException#FAILURE_CODE}
 * for a full mailbox, so the caller gets the same exception as a local publisher).
 *
 * <p>Threads: the endpoints run on the broker's context; local calls on the caller's; the map is
 * concurrent and each {@link Mailbox} synchronises itself.
 */
final class LocalMailboxes {

  private static final Logger LOG = LoggerFactory.getLogger(LocalMailboxes.class);
  /** Malformed frames come from outside: one line per 10 s however many (each is counted). */
  private final ThrottledWarning malformedWarning = new ThrottledWarning(LOG);
  /** The header naming the channel of a store request (the body is the message frame). */
  static final String CHANNEL_HEADER = "agentbus-channel";
  private static final int STATUS_REJECTED = 503;
  private static final int STATUS_BAD_REQUEST = 400;
  /** The most channels one batched consume may name (a bounded request from any peer). */
  static final int MAX_BATCH = 4_096;

  private final BrokerSupport support;
  private final String me;
  private final BooleanSupplier closed;
  private final Map<Channel, Mailbox> mailboxes = new ConcurrentHashMap<>();

  LocalMailboxes(BrokerSupport support, String me, BooleanSupplier closed) {
    this.support = support;
    this.me = me;
    this.closed = closed;
  }

  /** @return the channel's mailbox here, created when needed */
  Mailbox of(Channel channel) {
    return mailboxes.computeIfAbsent(channel, support::newMailbox);
  }

  /** @return the channels whose mailbox is kept here */
  java.util.Set<Channel> channels() {
    return java.util.Set.copyOf(mailboxes.keySet());
  }

  /**
   * Stops keeping the channel's mailbox here (another broker owns it now) and returns what it held,
   * oldest first, for the new owner.
   */
  List<Message> handOver(Channel channel) {
    Mailbox mb = mailboxes.remove(channel);
    return mb == null ? List.of() : mb.drainAll();
  }

  /** Clears environment {@code envId} from every mailbox here. */
  void clearEnvironment(String envId) {
    mailboxes.values().forEach(mb -> mb.clearEnvironment(envId));
  }

  /** Drops every mailbox (the broker closed). */
  void discardAll() {
    mailboxes.values().forEach(Mailbox::discard);
    mailboxes.clear();
  }

  /** Another broker stores a message in one of these mailboxes. */
  void onStore(io.vertx.core.eventbus.Message<Object> request) {
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
    if (closed.getAsBoolean()) {
      support.metrics.dropped(channel, BrokerMetrics.REASON_CLOSED, 1);
      request.fail(STATUS_REJECTED, "broker " + me + " is closed");
      return;
    }
    try {
      of(channel).store((Message) body);
      request.reply(null);
    } catch (MailboxFullException e) {
      request.fail(MailboxFullException.FAILURE_CODE, e.getMessage());
    } catch (RuntimeException e) {
      request.fail(STATUS_REJECTED, e.getMessage());
    }
  }

  /** Another broker consumes from one of these mailboxes: the messages travel as one frame. */
  void onConsume(io.vertx.core.eventbus.Message<JsonObject> request) {
    try {
      JsonObject q = request.body();
      Channel channel = Channel.parse(q.getString("channel"));
      support.checkConsume(channel, q.getString("recipientId"), q.getString("envId"));
      List<Message> out = of(channel).consume(q.getString("recipientId"), q.getString("envId"), q.getBoolean("clear", true));
      request.reply(MessageFrames.encode(out));
    } catch (RuntimeException e) {
      request.fail(STATUS_BAD_REQUEST, e.getMessage());
    }
  }

  /**
   * Another broker consumes from several of these mailboxes at once: {@code {"channels": [...],
   * "recipientId", "envId", "clear"}}, answered with one list of messages per channel, in order.
   * Every channel is checked before any is read, so a bad request removes nothing.
   */
  void onConsumeMany(io.vertx.core.eventbus.Message<JsonObject> request) {
    try {
      JsonObject q = request.body();
      String recipient = q.getString("recipientId");
      String env = q.getString("envId");
      io.vertx.core.json.JsonArray addresses = q.getJsonArray("channels");
      if (addresses == null || addresses.isEmpty() || addresses.size() > MAX_BATCH) {
        throw new IllegalArgumentException("a batched consume names 1 to " + MAX_BATCH + " channels");
      }
      List<Channel> channels = new java.util.ArrayList<>(addresses.size());
      for (Object a : addresses) {
        Channel c = Channel.parse(String.valueOf(a));
        support.checkConsume(c, recipient, env);
        channels.add(c);
      }
      boolean clear = q.getBoolean("clear", true);
      List<List<Message>> out = new java.util.ArrayList<>(channels.size());
      channels.forEach(c -> out.add(of(c).consume(recipient, env, clear)));
      request.reply(MessageFrames.encodeAll(out));
    } catch (RuntimeException e) {
      request.fail(STATUS_BAD_REQUEST, e.getMessage());
    }
  }

  /** Another broker clears an environment (its part here). */
  void onClear(io.vertx.core.eventbus.Message<JsonObject> request) {
    try {
      clearEnvironment(Ids.check("env id", request.body().getString("envId")));
      request.reply(null);
    } catch (RuntimeException e) {
      request.fail(STATUS_BAD_REQUEST, e.getMessage());
    }
  }

  /** Counts and logs a frame that is not a message (corrupt, or from something that is not a broker). */
  void malformed(Channel channel, Object body) {
    String reason = body instanceof CorruptFrame ? ((CorruptFrame) body).reason()
        : body instanceof String ? (String) body : "unexpected body " + (body == null ? "null" : body.getClass().getName());
    support.metrics.dropped(channel, BrokerMetrics.REASON_MALFORMED, 1);
    malformedWarning.warn("dropped a malformed message on {}: {}", channel == null ? "broker " + me : channel, reason);
  }
}
