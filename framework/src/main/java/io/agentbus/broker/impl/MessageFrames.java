package io.agentbus.broker.impl;

import io.agentbus.message.Message;
import io.agentbus.message.impl.CorruptFrame;
import io.agentbus.message.impl.MessageCodecImpl;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/** A list of messages as one buffer: count, then each message's wire frame. */
final class MessageFrames {

  private MessageFrames() {
  }

  static Buffer encode(List<Message> messages) {
    Buffer b = Buffer.buffer();
    b.appendInt(messages.size());
    for (Message m : messages) {
      MessageCodecImpl.instance().encodeToWire(b, m);
    }
    return b;
  }

  static List<Message> decode(Buffer b) {
    int count = b.getInt(0);
    List<Message> out = new ArrayList<>(count);
    int pos = 4;
    for (int i = 0; i < count; i++) {
      int length = MessageCodecImpl.frameLength(b, pos);
      Object m = MessageCodecImpl.instance().decodeFromWire(0, b.getBuffer(pos, pos + length));
      if (m instanceof CorruptFrame) {
        throw new IllegalStateException("corrupt message in consume reply: " + ((CorruptFrame) m).reason());
      }
      out.add((Message) m);
      pos += length;
    }
    return out;
  }
}
