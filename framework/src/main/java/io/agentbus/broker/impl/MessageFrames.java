package io.agentbus.broker.impl;

import io.agentbus.message.Message;
import io.agentbus.message.impl.CorruptFrame;
import io.agentbus.message.impl.MessageCodecImpl;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * A list of messages as one buffer: count, then each message's wire frame; several lists (one per
 * channel of a batched consume) as those buffers one after the other.
 */
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
    return decode(b, new int[] {0});
  }

  /** Several lists, written one after the other by {@link #encode(List)} into one buffer. */
  static Buffer encodeAll(List<List<Message>> lists) {
    Buffer b = Buffer.buffer();
    for (List<Message> l : lists) {
      b.appendBuffer(encode(l));
    }
    return b;
  }

  /** @return the {@code n} lists of a buffer written by {@link #encodeAll} */
  static List<List<Message>> decodeAll(Buffer b, int n) {
    int[] at = {0};
    List<List<Message>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(decode(b, at));
    }
    if (at[0] != b.length()) {
      throw new IllegalStateException("consume reply holds " + (b.length() - at[0]) + " bytes after its " + n + " lists");
    }
    return out;
  }

  /** Decodes one list starting at {@code at[0]}, and moves {@code at[0]} past it. */
  private static List<Message> decode(Buffer b, int[] at) {
    int count = b.getInt(at[0]);
    List<Message> out = new ArrayList<>(count);
    int pos = at[0] + 4;
    for (int i = 0; i < count; i++) {
      int length = MessageCodecImpl.frameLength(b, pos);
      Object m = MessageCodecImpl.instance().decodeFromWire(0, b.getBuffer(pos, pos + length));
      if (m instanceof CorruptFrame) {
        throw new IllegalStateException("corrupt message in consume reply: " + ((CorruptFrame) m).reason());
      }
      out.add((Message) m);
      pos += length;
    }
    at[0] = pos;
    return out;
  }
}
