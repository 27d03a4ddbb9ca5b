package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.TopicId;
import io.agentbus.message.impl.CorruptFrame;
import io.agentbus.message.impl.MessageCodecImpl;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

import java.nio.charset.StandardCharsets;
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
  private static final byte VERSION = 1;
  private static final EnvelopeCodec INSTANCE = new EnvelopeCodec();

  static void registerOn(EventBus eventBus) {
    MessageCodecImpl.registerDefault(eventBus, Envelope.class, INSTANCE);
  }

  @Override
  public void encodeToWire(Buffer b, Envelope e) {
    if (e.payloadJson == null && e.payload != null) {
      throw new IllegalStateException("envelope payload must be encoded before it leaves the JVM");
    }
    b.appendByte(VERSION).appendByte((byte) e.kind.ordinal()).appendByte((byte) e.hops);
    str(b, e.messageId);
    str(b, e.sender == null ? "" : e.sender.type());
    str(b, e.sender == null ? "" : e.sender.key());
    str(b, e.recipient == null ? "" : e.recipient.type());
    str(b, e.recipient == null ? "" : e.recipient.key());
    b.appendByte((byte) (e.topic == null ? 0 : 1));
    if (e.topic != null) {
      str(b, e.topic.type());
      str(b, e.topic.source());
    }
    str(b, e.payloadType == null ? "" : e.payloadType);
    b.appendShort((short) e.metadata.size());
    e.metadata.forEach((k, v) -> {
      str(b, k);
      str(b, v);
    });
    b.appendInt(e.recipients.size());
    for (AgentId r : e.recipients) {
      str(b, r.type());
      str(b, r.key());
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
      int[] p = {pos};
      byte version = b.getByte(p[0]++);
      if (version != VERSION) {
        return new CorruptFrame("unsupported envelope version " + version);
      }
      Envelope.Kind kind = Envelope.Kind.values()[b.getByte(p[0]++)];
      int hops = b.getByte(p[0]++);
      String id = str(b, p);
      AgentId sender = agent(str(b, p), str(b, p));
      AgentId recipient = agent(str(b, p), str(b, p));
      TopicId topic = b.getByte(p[0]++) == 1 ? new TopicId(str(b, p), str(b, p)) : null;
      String type = str(b, p);
      int n = b.getUnsignedShort(p[0]);
      p[0] += 2;
      Map<String, String> md = n == 0 ? Map.of() : new HashMap<>();
      for (int i = 0; i < n; i++) {
        md.put(str(b, p), str(b, p));
      }
      int count = b.getInt(p[0]);
      p[0] += 4;
      List<AgentId> all = count == 0 ? List.of() : new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        all.add(new AgentId(str(b, p), str(b, p)));
      }
      int len = b.getInt(p[0]);
      p[0] += 4;
      Buffer json = len < 0 ? null : b.getBuffer(p[0], p[0] + len);
      return new Envelope(kind, id, sender, recipient, topic, type.isEmpty() ? null : type, null, json, md, hops, all);
    } catch (RuntimeException e) {
      return new CorruptFrame(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static AgentId agent(String type, String key) {
    return type.isEmpty() ? null : new AgentId(type, key);
  }

  private static void str(Buffer b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    b.appendUnsignedShort(bytes.length).appendBytes(bytes);
  }

  private static String str(Buffer b, int[] p) {
    int len = b.getUnsignedShort(p[0]);
    String s = b.getString(p[0] + 2, p[0] + 2 + len, "UTF-8");
    p[0] += 2 + len;
    return s;
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
