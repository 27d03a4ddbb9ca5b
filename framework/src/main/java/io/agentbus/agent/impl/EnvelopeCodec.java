package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.TopicId;
import io.agentbus.message.impl.CorruptFrame;
import io.agentbus.message.impl.FrameIo;
import io.agentbus.message.impl.MessageCodecImpl;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Event-bus codec of {@link Envelope}: the same instance locally; across nodes a binary frame
 * whose payload is JSON (the sender encodes it before sending). Never throws when decoding: a bad
 * frame becomes a {@link CorruptFrame}.
 */
final class EnvelopeCodec implements MessageCodec<Envelope, Object> {

  static final String NAME = "agentbus.envelope.v1";
  /** 2: the caller's timeout travels with a send (after the hop count). */
  private static final byte VERSION = 2;
  private static final EnvelopeCodec INSTANCE = new EnvelopeCodec();

  static void registerOn(EventBus eventBus) {
    MessageCodecImpl.registerDefault(eventBus, Envelope.class, INSTANCE);
  }

  @Override
  public void encodeToWire(Buffer b, Envelope e) {
    if (e.payloadJson == null && e.payload != null) {
      throw new IllegalStateException("envelope payload must be encoded before it leaves the JVM");
    }
    b.appendByte(VERSION).appendByte((byte) e.kind.ordinal()).appendByte((byte) e.hops).appendLong(e.timeoutMillis);
    FrameIo.writeString(b, e.messageId);
    FrameIo.writeString(b, e.sender == null ? "" : e.sender.type());
    FrameIo.writeString(b, e.sender == null ? "" : e.sender.key());
    FrameIo.writeString(b, e.recipient == null ? "" : e.recipient.type());
    FrameIo.writeString(b, e.recipient == null ? "" : e.recipient.key());
    b.appendByte((byte) (e.topic == null ? 0 : 1));
    if (e.topic != null) {
      FrameIo.writeString(b, e.topic.type());
      FrameIo.writeString(b, e.topic.source());
    }
    FrameIo.writeString(b, e.payloadType == null ? "" : e.payloadType);
    b.appendShort((short) e.metadata.size());
    e.metadata.forEach((k, v) -> {
      FrameIo.writeString(b, k);
      FrameIo.writeString(b, v);
    });
    b.appendInt(e.recipients.size());
    for (AgentId r : e.recipients) {
      FrameIo.writeString(b, r.type());
      FrameIo.writeString(b, r.key());
    }
    if (e.payloadJson == null) {
      b.appendInt(-1);
    } else {
      b.appendInt(e.payloadJson.length()).appendBuffer(e.payloadJson);
    }
  }

  @Override
  public Object decodeFromWire(int pos, Buffer b) {
    try {
      FrameIo.Reader r = new FrameIo.Reader(b, pos, b.length());
      byte version = r.byt();
      if (version != VERSION) {
        return new CorruptFrame("unsupported envelope version " + version);
      }
      Envelope.Kind kind = Envelope.Kind.values()[r.byt()];
      int hops = r.byt();
      long timeout = r.lng();
      String id = r.string();
      AgentId sender = agent(r.string(), r.string());
      AgentId recipient = agent(r.string(), r.string());
      TopicId topic = r.byt() == 1 ? new TopicId(r.string(), r.string()) : null;
      String type = r.string();
      int n = r.shrt();
      Map<String, String> md = n == 0 ? Map.of() : new HashMap<>();
      for (int i = 0; i < n; i++) {
        md.put(r.string(), r.string());
      }
      int count = r.integer();
      List<AgentId> all = count == 0 ? List.of() : new ArrayList<>(Math.min(count, 1024));
      for (int i = 0; i < count; i++) {
        all.add(new AgentId(r.string(), r.string()));
      }
      int len = r.integer();
      Buffer json = len < 0 ? null : r.bytes(len);
      return new Envelope(kind, id, sender, recipient, topic, type.isEmpty() ? null : type, null, json, md, hops, all,
          Math.max(0, timeout));
    } catch (RuntimeException e) {
      return new CorruptFrame(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static AgentId agent(String type, String key) {
    return type.isEmpty() ? null : new AgentId(type, key);
  }

  @Override
  public Object transform(Envelope e) {
    return e;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
