package io.agentbus.broker;

import io.agentbus.channel.ChannelRegistry;
import io.agentbus.channel.Channels;
import io.agentbus.channel.Ids;
import io.agentbus.message.MessageTypeRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * Options of a {@link MessageBroker}. The registries and the meter registry are runtime objects
 * and are not part of the JSON form.
 */
public class BrokerOptions {

  /** Default cluster namespace. */
  public static final String DEFAULT_NAMESPACE = Channels.DEFAULT_NAMESPACE;
  /** Default largest encoded payload: 1 MiB. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
  /** Default mailbox capacity per channel. */
  public static final int DEFAULT_MAILBOX_CAPACITY = 10_000;
  /** Default overflow policy. */
  public static final OverflowPolicy DEFAULT_OVERFLOW_POLICY = OverflowPolicy.DROP_OLDEST;
  /**
   * Default number of messages an event-bus consumer (a subscription, a mailbox endpoint) may have
   * queued before Vert.x discards further ones (Vert.x's own default is 1,000).
   */
  public static final int DEFAULT_CONSUMER_BUFFER_SIZE = 16_384;
  /** Default timeout of a request to a remote mailbox. */
  public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 5_000;

  private String namespace = DEFAULT_NAMESPACE;
  private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
  private int mailboxCapacity = DEFAULT_MAILBOX_CAPACITY;
  private OverflowPolicy overflowPolicy = DEFAULT_OVERFLOW_POLICY;
  private long requestTimeoutMillis = DEFAULT_REQUEST_TIMEOUT_MILLIS;
  private int consumerBufferSize = DEFAULT_CONSUMER_BUFFER_SIZE;
  private long mailboxMaxBytes = DEFAULT_MAILBOX_MAX_BYTES;

  /** Default bytes of payload a channel's mailbox may hold: 16 MiB. */
  public static final long DEFAULT_MAILBOX_MAX_BYTES = 16L * 1024 * 1024;
  private MessageTypeRegistry messageTypes;
  private ChannelRegistry channelRegistry;
  private MeterRegistry meterRegistry;

  /** Default options. */
  public BrokerOptions() {
  }

  /** Copy constructor (registries are shared, not copied). */
  public BrokerOptions(BrokerOptions other) {
    this.namespace = other.namespace;
    this.maxPayloadBytes = other.maxPayloadBytes;
    this.mailboxCapacity = other.mailboxCapacity;
    this.overflowPolicy = other.overflowPolicy;
    this.requestTimeoutMillis = other.requestTimeoutMillis;
    this.consumerBufferSize = other.consumerBufferSize;
    this.mailboxMaxBytes = other.mailboxMaxBytes;
    this.messageTypes = other.messageTypes;
    this.channelRegistry = other.channelRegistry;
    this.meterRegistry = other.meterRegistry;
  }

  /** From JSON; absent keys keep their defaults. */
  public BrokerOptions(JsonObject json) {
    setNamespace(json.getString("namespace", DEFAULT_NAMESPACE));
    setMaxPayloadBytes(json.getInteger("maxPayloadBytes", DEFAULT_MAX_PAYLOAD_BYTES));
    setMailboxCapacity(json.getInteger("mailboxCapacity", DEFAULT_MAILBOX_CAPACITY));
    setOverflowPolicy(OverflowPolicy.valueOf(json.getString("overflowPolicy", DEFAULT_OVERFLOW_POLICY.name())));
    setRequestTimeoutMillis(json.getLong("requestTimeoutMillis", DEFAULT_REQUEST_TIMEOUT_MILLIS));
    setConsumerBufferSize(json.getInteger("consumerBufferSize", DEFAULT_CONSUMER_BUFFER_SIZE));
    setMailboxMaxBytes(json.getLong("mailboxMaxBytes", DEFAULT_MAILBOX_MAX_BYTES));
  }

  /** @return the JSON form */
  public JsonObject toJson() {
    return new JsonObject().put("namespace", namespace).put("maxPayloadBytes", maxPayloadBytes)
        .put("mailboxCapacity", mailboxCapacity).put("overflowPolicy", overflowPolicy.name())
        .put("requestTimeoutMillis", requestTimeoutMillis).put("consumerBufferSize", consumerBufferSize)
        .put("mailboxMaxBytes", mailboxMaxBytes);
  }

  /** @return the cluster namespace */
  public String getNamespace() {
    return namespace;
  }

  /** Sets the cluster namespace: brokers of different namespaces never see each other's channels. */
  public BrokerOptions setNamespace(String namespace) {
    this.namespace = Ids.check("namespace", namespace);
    return this;
  }

  /** @return the largest accepted encoded payload, in bytes */
  public int getMaxPayloadBytes() {
    return maxPayloadBytes;
  }

  /** Sets the largest accepted encoded payload (bytes, at least 1). */
  public BrokerOptions setMaxPayloadBytes(int maxPayloadBytes) {
    if (maxPayloadBytes < 1) {
      throw new IllegalArgumentException("maxPayloadBytes must be at least 1, got " + maxPayloadBytes);
    }
    this.maxPayloadBytes = maxPayloadBytes;
    return this;
  }

  /** @return the mailbox capacity per channel */
  public int getMailboxCapacity() {
    return mailboxCapacity;
  }

  /** Sets the mailbox capacity per channel (at least 1). */
  public BrokerOptions setMailboxCapacity(int mailboxCapacity) {
    if (mailboxCapacity < 1) {
      throw new IllegalArgumentException("mailboxCapacity must be at least 1, got " + mailboxCapacity);
    }
    this.mailboxCapacity = mailboxCapacity;
    return this;
  }

  /** @return what a full mailbox does */
  public OverflowPolicy getOverflowPolicy() {
    return overflowPolicy;
  }

  /** Sets what a full mailbox does. */
  public BrokerOptions setOverflowPolicy(OverflowPolicy overflowPolicy) {
    this.overflowPolicy = Objects.requireNonNull(overflowPolicy, "overflowPolicy");
    return this;
  }

  /** @return the timeout of requests to remote mailboxes, in milliseconds */
  public long getRequestTimeoutMillis() {
    return requestTimeoutMillis;
  }

  /** Sets the timeout of requests to remote mailboxes (milliseconds, at least 1). */
  public BrokerOptions setRequestTimeoutMillis(long requestTimeoutMillis) {
    if (requestTimeoutMillis < 1) {
      throw new IllegalArgumentException("requestTimeoutMillis must be at least 1, got " + requestTimeoutMillis);
    }
    this.requestTimeoutMillis = requestTimeoutMillis;
    return this;
  }

  /** @return how many messages a subscription may have queued before further ones are dropped (and counted) */
  public int getConsumerBufferSize() {
    return consumerBufferSize;
  }

  /** Sets how many messages a subscription or mailbox endpoint may have queued (at least 1). */
  public BrokerOptions setConsumerBufferSize(int consumerBufferSize) {
    if (consumerBufferSize < 1) {
      throw new IllegalArgumentException("consumerBufferSize must be at least 1, got " + consumerBufferSize);
    }
    this.consumerBufferSize = consumerBufferSize;
    return this;
  }

  /** @return the payload bytes a channel's mailbox may hold */
  public long getMailboxMaxBytes() {
    return mailboxMaxBytes;
  }

  /**
   * Bounds each mailbox in payload bytes as well as in messages: a few huge messages cannot fill
   * the heap while the count stays low. Beyond it the overflow policy applies as for the count
   * (the oldest messages dropped and counted, or the new one rejected); a single message larger
   * than the bound is always rejected.
   */
  public BrokerOptions setMailboxMaxBytes(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("mailboxMaxBytes must be at least 1, got " + bytes);
    }
    this.mailboxMaxBytes = bytes;
    return this;
  }

  /** @return the custom message types (a new empty registry unless set) */
  public MessageTypeRegistry getMessageTypes() {
    if (messageTypes == null) {
      messageTypes = MessageTypeRegistry.create();
    }
    return messageTypes;
  }

  /** Sets the custom message types registry, shared with the runtime. */
  public BrokerOptions setMessageTypes(MessageTypeRegistry messageTypes) {
    this.messageTypes = messageTypes;
    return this;
  }

  /** @return the custom channel kinds (a new empty registry unless set) */
  public ChannelRegistry getChannelRegistry() {
    if (channelRegistry == null) {
      channelRegistry = ChannelRegistry.create();
    }
    return channelRegistry;
  }

  /** Sets the custom channel kinds registry, shared with the runtime. */
  public BrokerOptions setChannelRegistry(ChannelRegistry channelRegistry) {
    this.channelRegistry = channelRegistry;
    return this;
  }

  /** @return the meter registry (a private {@link SimpleMeterRegistry} unless set) */
  public MeterRegistry getMeterRegistry() {
    if (meterRegistry == null) {
      meterRegistry = new SimpleMeterRegistry();
    }
    return meterRegistry;
  }

  /** Sets the meter registry that broker metrics go to. */
  public BrokerOptions setMeterRegistry(MeterRegistry meterRegistry) {
    this.meterRegistry = meterRegistry;
    return this;
  }
}
