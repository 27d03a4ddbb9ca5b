package io.agentbus.agent.impl;

import io.agentbus.message.impl.CorruptFrame;
import io.agentbus.message.impl.FrameBatchCodec;
import io.agentbus.message.impl.ImmutableCodec;
import io.agentbus.message.impl.FrameIo;
import io.agentbus.message.impl.MessageCodecImpl;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;

/**
 * Event-bus codec of an {@link Answer}: version, call id, then the reply (type name, JSON) or the
 * failure (code, message). Never throws when decoding: a bad frame becomes a {@link CorruptFrame}.
 */
final class AnswerCodec extends ImmutableCodec<Answer> {

  static final String NAME = "agentbus.answer.v1";
  private static final byte VERSION = 1;
  private static final AnswerCodec INSTANCE = new AnswerCodec();
  /** The answers one event loop sends to one node in a turn, as one frame. */
  static final FrameBatchCodec<Answer> BATCH = new FrameBatchCodec<>("agentbus.answer.batch.v1", INSTANCE);

  private AnswerCodec() {
    super(NAME);
  }

  static void registerOn(EventBus eventBus) {
    MessageCodecImpl.registerDefault(eventBus, Answer.class, INSTANCE);
    BATCH.registerOn(eventBus);
  }

  @Override
  public void encodeToWire(Buffer b, Answer a) {
    b.appendByte(VERSION).appendLong(a.callId());
    if (a.failure() != null) {
      b.appendByte((byte) 1).appendInt(a.failureCode());
      FrameIo.writeString(b, a.failure());
      return;
    }
    b.appendByte((byte) 0);
    FrameIo.writeString(b, a.payloadType() == null ? "" : a.payloadType());
    if (a.payloadJson() == null) {
      b.appendInt(-1);
    } else {
      b.appendInt(a.payloadJson().length()).appendBuffer(a.payloadJson());
    }
  }

  @Override
  public Object decodeFromWire(int pos, Buffer b) {
    try {
      FrameIo.Reader r = new FrameIo.Reader(b, pos, b.length());
      byte version = r.byt();
      if (version != VERSION) {
        return new CorruptFrame("unsupported answer version " + version);
      }
      long callId = r.lng();
      byte status = r.byt();
      if (status == 1) {
        int code = r.integer();
        return Answer.failed(callId, code, r.string());
      }
      if (status != 0) {
        return new CorruptFrame("unknown answer status " + status);
      }
      String type = r.string();
      int len = r.integer();
      return Answer.replied(callId, type.isEmpty() ? null : type, len < 0 ? null : r.bytes(len));
    } catch (RuntimeException e) {
      return new CorruptFrame(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
