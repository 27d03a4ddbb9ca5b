package io.agentbus.message;

import io.agentbus.channel.Ids;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The immutable, HERON-compatible envelope exchanged through a
 * {@link io.agentbus.broker.MessageBroker}.
 *
 * <p>Fields: a unique {@link #id()}, the environment ({@link #envId()}, for vectorized
 * environments), {@link #senderId()}, {@link #recipientId()}, a {@link #timestamp()} (simulation
 * or wall-clock seconds, as the caller chooses), the {@link #type()} (with a {@link #customType()}
 * name for {@link MessageType#CUSTOM}), a JSON {@link #payload()} and string {@link #headers()}
 * (trace context, correlation id).
 *
 * <p>The payload is deeply frozen on construction: {@code payload().put(..)} and changes to nested
 * objects throw {@link UnsupportedOperationException}. A message can therefore be handed between
 * verticles in one JVM without copying.
 *
 * <pre>{@code
 * Message msg = Message.builder()
 *     .envId("env_0").senderId("coordinator").recipientId("field_1")
 *     .timestamp(0.0).type(MessageType.ACTION)
 *     .payload(new JsonObject().put("power_setpoint", 100.0))
 *     .build();
 * }</pre>
 */
public final class Message {

  /** Header carrying the W3C trace context. */
  public static final String TRACEPARENT = "traceparent";
  /** Header carrying the W3C trace state. */
  public static final String TRACESTATE = "tracestate";
  /** Header correlating a reply with its request. */
  public static final String CORRELATION_ID = "correlation-id";

  private static final JsonObject EMPTY = FrozenJson.copyOf(new JsonObject());

  private final String id;
  private final String envId;
  private final String senderId;
  private final String recipientId;
  private final double timestamp;
  private final MessageType type;
  private final String customType;
  private final JsonObject payload;
  private final Map<String, String> headers;

  private Message(Builder b, JsonObject frozenPayload) {
    this.id = b.id != null ? b.id : MessageIds.next();
    this.envId = Ids.check("env id", b.envId);
    this.senderId = Ids.check("sender id", b.senderId);
    this.recipientId = Ids.check("recipient id", b.recipientId);
    this.timestamp = b.timestamp;
    this.type = Objects.requireNonNull(b.type, "type");
    if (type == MessageType.CUSTOM) {
      this.customType = Ids.check("custom message type", b.customType);
    } else if (b.customType != null) {
      throw new IllegalArgumentException("customType is only allowed with MessageType.CUSTOM, not " + type);
    } else {
      this.customType = null;
    }
    this.payload = frozenPayload;
    this.headers = b.headers.isEmpty() ? Map.of() : Map.copyOf(b.headers);
  }

  /** @return a builder with a wall-clock timestamp and an empty payload */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * HERON's constructor.
   *
   * @return a message with a generated id, no headers
   */
  public static Message of(String envId, String senderId, String recipientId, double timestamp,
                           MessageType type, JsonObject payload) {
    return builder().envId(envId).senderId(senderId).recipientId(recipientId).timestamp(timestamp)
        .type(type).payload(payload).build();
  }

  /** @return a builder initialised with this message's fields (and a new id unless set) */
  public Builder toBuilder() {
    Builder b = new Builder().envId(envId).senderId(senderId).recipientId(recipientId)
        .timestamp(timestamp).type(type).customType(customType).headers(headers);
    b.payload = payload;
    return b;
  }

  /** @return the unique message id */
  public String id() {
    return id;
  }

  /** @return the environment id */
  public String envId() {
    return envId;
  }

  /** @return the sending agent's id */
  public String senderId() {
    return senderId;
  }

  /** @return the receiving agent's id */
  public String recipientId() {
    return recipientId;
  }

  /** @return the timestamp, in seconds */
  public double timestamp() {
    return timestamp;
  }

  /** @return the message type */
  public MessageType type() {
    return type;
  }

  /** @return the custom type name for {@link MessageType#CUSTOM} messages, otherwise null */
  public String customType() {
    return customType;
  }

  /** @return the read-only payload */
  public JsonObject payload() {
    return payload;
  }

  /** @return the read-only headers */
  public Map<String, String> headers() {
    return headers;
  }

  /** @return a header's value or null */
  public String header(String name) {
    return headers.get(name);
  }

  /**
   * Deep-freezes a payload once so that many messages can share it without each copying it.
   *
   * @param payload a payload
   * @return a read-only deep copy ({@code payload} itself if already frozen)
   */
  public static JsonObject frozenPayload(JsonObject payload) {
    return FrozenJson.copyOf(payload);
  }

  /**
   * The payload's encoded size, or an upper bound of it that is cheaper to compute when the
   * payload is not encoded yet.
   *
   * @param limit the caller's limit: a bound below it is good enough
   * @return the exact size, or a bound of at most {@code limit}
   */
  public long payloadSize(long limit) {
    long bound = FrozenJson.sizeEstimate(payload);
    return bound <= limit ? bound : encodedPayload().length();
  }

  /**
   * The payload as UTF-8 JSON, encoded once and cached (used for size checks and the wire form).
   *
   * @return the encoded payload; do not modify it
   */
  public Buffer encodedPayload() {
    return FrozenJson.encode(payload);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Message)) {
      return false;
    }
    Message m = (Message) o;
    return id.equals(m.id) && envId.equals(m.envId) && senderId.equals(m.senderId)
        && recipientId.equals(m.recipientId) && Double.compare(timestamp, m.timestamp) == 0
        && type == m.type && Objects.equals(customType, m.customType) && payload.equals(m.payload)
        && headers.equals(m.headers);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "Message{id=" + id + ", env=" + envId + ", " + senderId + "->" + recipientId + ", type="
        + (customType != null ? "CUSTOM:" + customType : type) + ", t=" + timestamp + ", payload=" + payload + "}";
  }

  /** Builds a {@link Message}; ids are validated by {@link #build()}. */
  public static final class Builder {
    private String id;
    private String envId;
    private String senderId;
    private String recipientId;
    private double timestamp = System.currentTimeMillis() / 1000.0;
    private MessageType type;
    private String customType;
    private JsonObject payload = EMPTY;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private Builder() {
    }

    /** Sets the id (normally generated). */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** Sets the environment id. */
    public Builder envId(String envId) {
      this.envId = envId;
      return this;
    }

    /** Sets the sender id. */
    public Builder senderId(String senderId) {
      this.senderId = senderId;
      return this;
    }

    /** Sets the recipient id. */
    public Builder recipientId(String recipientId) {
      this.recipientId = recipientId;
      return this;
    }

    /** Sets the timestamp in seconds. */
    public Builder timestamp(double timestamp) {
      this.timestamp = timestamp;
      return this;
    }

    /** Sets the type. */
    public Builder type(MessageType type) {
      this.type = type;
      return this;
    }

    /** Makes this a {@link MessageType#CUSTOM} message of the named type. */
    public Builder custom(String customType) {
      this.type = MessageType.CUSTOM;
      this.customType = customType;
      return this;
    }

    /** Sets the custom type name (only with {@link MessageType#CUSTOM}). */
    public Builder customType(String customType) {
      this.customType = customType;
      return this;
    }

    /**
     * Sets the payload; it is deep-copied on {@link #build()} unless already frozen (see
     * {@link Message#frozenPayload(JsonObject)}).
     */
    public Builder payload(JsonObject payload) {
      this.payload = payload == null ? EMPTY : payload;
      return this;
    }

    /** Adds a header. */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "header name"), Objects.requireNonNull(value, "header value"));
      return this;
    }

    /** Adds every header of {@code headers}. */
    public Builder headers(Map<String, String> headers) {
      headers.forEach(this::header);
      return this;
    }

    /**
     * @return the message
     * @throws io.agentbus.channel.InvalidIdException if an id is invalid
     * @throws IllegalArgumentException if the payload holds a value JSON cannot carry
     */
    public Message build() {
      return new Message(this, FrozenJson.copyOf(payload));
    }
  }
}
