package io.agentbus.metrics;

import io.agentbus.channel.Channel;
import io.agentbus.channel.ChannelKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Micrometer meters of one broker: messages published, delivered (by mode) and dropped (by
 * reason), per channel kind; handler failures; the depth of its mailboxes.
 *
 * <p>Meter names: {@value #PUBLISHED}, {@value #DELIVERED}, {@value #DROPPED},
 * {@value #HANDLER_FAILURES}, {@value #MAILBOX_DEPTH}. Tags: {@code namespace}, {@code kind}
 * (built-in kinds, or {@code custom}), {@code mode}, {@code reason}. No tag names an instance: the
 * brokers of one namespace sharing a registry share one mailbox-depth gauge, so a restart does not
 * start a new series.
 */
public final class BrokerMetrics {

  /** Messages accepted by {@code publish}. */
  public static final String PUBLISHED = "agentbus.messages.published";
  /** Messages handed to a subscriber ({@code mode=subscribe}) or returned by consume ({@code mode=consume}). */
  public static final String DELIVERED = "agentbus.messages.delivered";
  /** Messages lost, by {@code reason}. */
  public static final String DROPPED = "agentbus.messages.dropped";
  /** Subscriber handlers that threw. */
  public static final String HANDLER_FAILURES = "agentbus.handler.failures";
  /** Messages waiting in this broker's mailboxes. */
  public static final String MAILBOX_DEPTH = "agentbus.mailbox.depth";

  /** Drop reason: a full mailbox evicted or refused a message. */
  public static final String REASON_OVERFLOW = "mailbox_overflow";
  /** Drop reason: a frame that did not decode. */
  public static final String REASON_MALFORMED = "malformed";
  /** Drop reason: a subscriber fell more than its buffer behind and the event bus discarded the message. */
  public static final String REASON_CONSUMER_OVERFLOW = "consumer_overflow";
  /** Drop reason: a message that arrived after close. */
  public static final String REASON_CLOSED = "closed";
  /** Drop reason: after a split, a mailbox this side kept could not be handed to the owner the merged cluster chose. */
  public static final String REASON_HANDOVER = "handover_failed";

  private static final java.util.Map<String, String> HELP = java.util.Map.of(
      PUBLISHED, "messages accepted by publish, per channel kind",
      DELIVERED, "messages handed to a subscriber (mode=subscribe) or returned by consume (mode=consume), per channel kind",
      DROPPED, "messages lost, per channel kind and reason (mailbox_overflow, malformed, consumer_overflow, closed, handover_failed)",
      HANDLER_FAILURES, "subscriber handlers that threw, per channel kind");
  /** One depth per registry and namespace, whatever the number of brokers. */
  private static final java.util.Map<MeterRegistry, ConcurrentHashMap<String, AtomicLong>> DEPTHS =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private final MeterRegistry registry;
  private final String namespace;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>>> counters =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> publishedByKind = new ConcurrentHashMap<>();
  private final AtomicLong depth;

  /**
   * @param registry where meters go
   * @param namespace the broker's namespace
   * @param brokerId the broker's id (tags its mailbox depth gauge)
   */
  public BrokerMetrics(MeterRegistry registry, String namespace, String brokerId) {
    this.registry = registry;
    this.namespace = namespace;
    this.depth = DEPTHS.computeIfAbsent(registry, r -> new ConcurrentHashMap<>()).computeIfAbsent(namespace, ns -> {
      AtomicLong d = new AtomicLong();
      Gauge.builder(MAILBOX_DEPTH, d, AtomicLong::get).tag("namespace", ns)
          .description("messages waiting in the mailboxes of this node's brokers").register(registry);
      return d;
    });
  }

  /** Counts a published message. */
  public void published(Channel channel) {
    String kind = ChannelKind.metricTag(channel.kind());
    Counter c = publishedByKind.get(kind);
    if (c == null) {
      c = publishedByKind.computeIfAbsent(kind, k -> counter(PUBLISHED, k, null, null));
    }
    c.increment();
  }

  /** Counts messages delivered to a subscriber or by consume. */
  public void delivered(Channel channel, String mode, int count) {
    if (count > 0) {
      counter(DELIVERED, ChannelKind.metricTag(channel.kind()), "mode", mode).increment(count);
    }
  }

  /** Counts dropped messages; {@code channel} may be null when unknown (malformed frames). */
  public void dropped(Channel channel, String reason, int count) {
    String kind = channel == null ? "unknown" : ChannelKind.metricTag(channel.kind());
    counter(DROPPED, kind, "reason", reason).increment(count);
  }

  /**
   * @return the counter of messages delivered to subscribers of {@code channel}'s kind, to keep
   *     with a subscription (no lookup per delivery)
   */
  public Counter subscriberDeliveries(Channel channel) {
    return counter(DELIVERED, ChannelKind.metricTag(channel.kind()), "mode", "subscribe");
  }

  /** @return the counter of drops of {@code channel}'s kind for {@code reason}, to keep (no lookup per drop) */
  public Counter droppedCounter(Channel channel, String reason) {
    return counter(DROPPED, ChannelKind.metricTag(channel.kind()), "reason", reason);
  }

  /** Counts a subscriber handler failure. */
  public void handlerFailed(Channel channel) {
    counter(HANDLER_FAILURES, ChannelKind.metricTag(channel.kind()), null, null).increment();
  }

  /** Adjusts the mailbox depth gauge. */
  public void depthChanged(long delta) {
    depth.addAndGet(delta);
  }

  /** @return the current mailbox depth */
  public long depth() {
    return depth.get();
  }

  private Counter counter(String name, String kind, String tagKey, String tagValue) {
    // nested lookups: no key string is built on the hot path
    ConcurrentHashMap<String, Counter> byKind = counters
        .computeIfAbsent(name, n -> new ConcurrentHashMap<>())
        .computeIfAbsent(tagValue == null ? "" : tagValue, t -> new ConcurrentHashMap<>());
    Counter c = byKind.get(kind);
    if (c == null) {
      c = byKind.computeIfAbsent(kind, k -> {
        Counter.Builder b = Counter.builder(name).description(HELP.get(name)).tag("namespace", namespace).tag("kind", k);
        if (tagKey != null) {
          b.tag(tagKey, tagValue);
        }
        return b.register(registry);
      });
    }
    return c;
  }
}
