package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.TopicId;
import io.agentbus.message.impl.CorruptFrame;
import io.agentbus.message.impl.FrameBatchCodec;
import io.agentbus.message.impl.ImmutableCodec;
import io.agentbus.message.impl.FrameIo;
import io.agentbus.message.impl.MessageCodecImpl;
import io.agentbus.message.impl.StringInterner;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Event-bus codec of {@link Envelope}: the same instance locally; across nodes a binary frame
 * whose payload is JSON (the sender encodes it before sending). Never throws when decoding: a bad
 * frame becomes a {@link CorruptFrame}.
 */
final class EnvelopeCodec extends ImmutableCodec<Envelope> {

  static final String NAME = "agentbus.envelope.v1";
  /**
   * 2: the caller's timeout travels with a send (after the hop count); 3: then the call id and the
   * caller's node (a send that may travel in a batch, answered on its own).
   */
  private static final byte VERSION = 3;
  private static final EnvelopeCodec INSTANCE = new EnvelopeCodec();
  /** One-way envelopes one event loop sends to one node in a turn, as one frame. */
  static final FrameBatchCodec<Envelope> BATCH = new FrameBatchCodec<>("agentbus.envelope.batch.v1", INSTANCE);

  /** Types, keys, topics and payload type names repeat from frame to frame: decoded to shared strings. */
  private final StringInterner names = new StringInterner();

  /** The recipients of the last publish decoded, as bytes and as ids: a fan-out repeats them in every frame. */
  private record Recipients(byte[] wire, List<AgentId> ids) {
  }

  private volatile Recipients lastRecipients = new Recipients(new byte[0], List.of());
  /** The recipients of the last publish encoded. */
  private volatile Recipients lastEncoded = new Recipients(new byte[0], List.of());

  EnvelopeCodec() {
    super(NAME);
  }

  static void registerOn(EventBus eventBus) {
    MessageCodecImpl.registerDefault(eventBus, Envelope.class, INSTANCE);
    BATCH.registerOn(eventBus);
    AnswerCodec.registerOn(eventBus);
  }

  @Override
  public void encodeToWire(Buffer b, Envelope e) {
    if (e.payloadJson == null && e.payload != null) {
      throw new IllegalStateException("envelope payload must be encoded before it leaves the JVM");
    }
    b.appendByte(VERSION).appendByte((byte) e.kind.ordinal()).appendByte((byte) e.hops).appendLong(e.timeoutMillis)
        .appendLong(e.callId);
    FrameIo.writeString(b, e.replyTo == null ? "" : e.replyTo);
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
    if (!e.recipients.isEmpty()) {
      b.appendBytes(recipientsWire(e.recipients));
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
      long callId = r.lng();
      String replyTo = r.string(names);
      String id = r.string();
      AgentId sender = agent(r.string(names), r.string(names));
      AgentId recipient = agent(r.string(names), r.string(names));
      TopicId topic = r.byt() == 1 ? new TopicId(r.string(names), r.string(names)) : null;
      String type = r.string(names);
      int n = r.shrt();
      Map<String, String> md = n == 0 ? Map.of() : new HashMap<>();
      for (int i = 0; i < n; i++) {
        md.put(r.string(names), r.string());
      }
      List<AgentId> all = recipients(r, b);
      int len = r.integer();
      Buffer json = len < 0 ? null : r.bytes(len);
      return new Envelope(kind, id, sender, recipient, topic, type.isEmpty() ? null : type, null, json, md, hops, all,
          Math.max(0, timeout), callId, replyTo.isEmpty() ? null : replyTo);
    } catch (RuntimeException e) {
      return new CorruptFrame(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /**
   * @return the wire form of a recipient list; the last one is kept, since a stream of publishes
   *     to one topic sends the same list instance ({@link PublishRoutes}) in every frame
   */
  private byte[] recipientsWire(List<AgentId> ids) {
    Recipients last = lastEncoded;
    if (last.ids() == ids) {
      return last.wire();
    }
    Buffer w = Buffer.buffer(ids.size() * 24);
    for (AgentId r : ids) {
      FrameIo.writeString(w, r.type());
      FrameIo.writeString(w, r.key());
    }
    byte[] bytes = w.getBytes();
    lastEncoded = new Recipients(bytes, ids);
    return bytes;
  }

  /** Reads the recipient list, or reuses the last one decoded when its bytes are the same. */
  private List<AgentId> recipients(FrameIo.Reader r, Buffer b) {
    int count = r.integer();
    if (count == 0) {
      return List.of();
    }
    if (count < 0 || count > r.remaining() / 4) {  // each recipient takes at least 4 bytes
      throw new IllegalStateException("recipient count " + count + " does not fit the frame");
    }
    int from = r.position();
    for (int i = 0; i < 2 * count; i++) {
      r.skipString();
    }
    int to = r.position();
    Recipients last = lastRecipients;
    if (r.regionEquals(from, to, last.wire())) {
      return last.ids();
    }
    FrameIo.Reader ids = new FrameIo.Reader(b, from, to);
    List<AgentId> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      all.add(new AgentId(ids.string(names), ids.string(names)));
    }
    List<AgentId> decoded = List.copyOf(all);
    lastRecipients = new Recipients(r.copy(from, to), decoded);
    return decoded;
  }

  private static AgentId agent(String type, String key) {
    return type.isEmpty() ? null : new AgentId(type, key);
  }
}
