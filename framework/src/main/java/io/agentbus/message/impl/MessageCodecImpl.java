package io.agentbus.message.impl;

import io.agentbus.message.Message;
import io.agentbus.message.FrozenJson;
import io.agentbus.message.MessageType;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * The event-bus codec for {@link Message}: the same instance within a JVM (messages are
 * immutable), a compact binary frame across the cluster.
 *
 * <p>Frame: version byte, body length (int), id, env, sender, recipient (short-length UTF-8
 * strings), timestamp (double), type ordinal (byte), custom type (string, empty if none), header
 * count (short) and pairs, payload length (int) and UTF-8 JSON. A frame that does not decode
 * yields a {@link CorruptFrame} carrying the reason; decoding never throws.
 */
public final class MessageCodecImpl extends ImmutableCodec<Message> {

  /** The codec's name on every node. */
  public static final String NAME = "agentbus.message.v1";

  private static final byte VERSION = 1;
  private static final MessageCodecImpl INSTANCE = new MessageCodecImpl();

  private MessageCodecImpl() {
    super(NAME);
  }
  private static final FrameBatchCodec<Message> BATCH = new FrameBatchCodec<>("agentbus.message.batch.v1", INSTANCE);

  /**
   * Registers the codec as the default one for {@link Message} on {@code eventBus}, and the codec
   * of a batch of messages ({@link #batchCodec()}), once.
   *
   * @param eventBus the event bus
   */
  public static void registerOn(EventBus eventBus) {
    registerDefault(eventBus, Message.class, INSTANCE);
    BATCH.registerOn(eventBus);
  }

  /** @return the codec of a {@link FrameBatch} of messages, registered by {@link #registerOn} */
  public static FrameBatchCodec<Message> batchCodec() {
    return BATCH;
  }

  /**
   * Registers {@code codec} as the default codec of {@code type} on {@code eventBus}, unless a
   * broker or runtime sharing the Vert.x instance did it first.
   */
  public static <T> void registerDefault(EventBus eventBus, Class<T> type, MessageCodec<T, ?> codec) {
    registerOnce(eventBus, () -> eventBus.registerDefaultCodec(type, codec));
  }

  /**
   * Runs a codec registration on {@code eventBus} unless one sharing the Vert.x instance ran it
   * first (Vert.x refuses a second registration with an {@link IllegalStateException}).
   */
  static void registerOnce(EventBus eventBus, Runnable registration) {
    synchronized (eventBus) {
      try {
        registration.run();
      } catch (IllegalStateException alreadyRegistered) {
        // registered once per Vert.x instance is enough
      }
    }
  }

  /** @return the shared codec instance */
  public static MessageCodecImpl instance() {
    return INSTANCE;
  }

  /**
   * @param buffer a buffer holding a frame at {@code pos}
   * @param pos the frame's offset
   * @return the frame's total length in bytes
   */
  public static int frameLength(Buffer buffer, int pos) {
    return 5 + buffer.getInt(pos + 1);
  }

  @Override
  public void encodeToWire(Buffer buffer, Message m) {
    int start = buffer.length();
    buffer.appendByte(VERSION);
    buffer.appendInt(0);
    FrameIo.writeString(buffer, m.id());
    FrameIo.writeString(buffer, m.envId());
    FrameIo.writeString(buffer, m.senderId());
    FrameIo.writeString(buffer, m.recipientId());
    buffer.appendDouble(m.timestamp());
    buffer.appendByte((byte) m.type().ordinal());
    FrameIo.writeString(buffer, m.customType() == null ? "" : m.customType());
    buffer.appendShort((short) m.headers().size());
    for (Map.Entry<String, String> h : m.headers().entrySet()) {
      FrameIo.writeString(buffer, h.getKey());
      FrameIo.writeString(buffer, h.getValue());
    }
    Buffer payload = m.encodedPayload();
    buffer.appendInt(payload.length());
    buffer.appendBuffer(payload);
    buffer.setInt(start + 1, buffer.length() - start - 5);
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    try {
      return decode(pos, buffer);
    } catch (RuntimeException e) {
      return new CorruptFrame(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private Object decode(int pos, Buffer buffer) {
    if (buffer.length() - pos < 5) {
      return new CorruptFrame("truncated header: " + (buffer.length() - pos) + " bytes");
    }
    byte version = buffer.getByte(pos);
    if (version != VERSION) {
      return new CorruptFrame("unsupported frame version " + version);
    }
    int bodyLength = buffer.getInt(pos + 1);
    if (bodyLength < 0 || bodyLength > buffer.length() - pos - 5) {
      return new CorruptFrame("truncated frame: declares " + bodyLength + " bytes, has " + (buffer.length() - pos - 5));
    }
    FrameIo.Reader r = new FrameIo.Reader(buffer, pos + 5, pos + 5 + bodyLength);
    Message.Builder b = Message.builder().id(r.string()).envId(r.string()).senderId(r.string())
        .recipientId(r.string()).timestamp(r.dbl());
    MessageType type = MessageType.ofOrdinal(r.byt());
    String custom = r.string();
    b.type(type).customType(custom.isEmpty() ? null : custom);
    int headers = r.shrt();
    for (int i = 0; i < headers; i++) {
      b.header(r.string(), r.string());
    }
    Buffer payload = r.bytes(r.integer());
    if (!r.atEnd()) {
      return new CorruptFrame("trailing bytes after payload");
    }
    return b.payload(FrozenJson.freezeOwned(new JsonObject(payload), payload)).build();
  }
}
