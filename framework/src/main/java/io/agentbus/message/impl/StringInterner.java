package io.agentbus.message.impl;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Decodes the short strings that repeat from frame to frame (agent types and keys, topic names,
 * payload type names) to one shared {@code String} each, instead of a new one per frame: no
 * allocation, and the string's hash code is computed once, not again by every map lookup the
 * receiver makes with it.
 *
 * <p>A fixed table of {@value #SLOTS} entries indexed by a hash of the bytes; a miss replaces the
 * slot. So memory stays bounded whatever a sender puts in its frames (a hostile one can only make
 * it miss), and strings longer than {@value #MAX_BYTES} bytes are never kept. Safe from any
 * thread: an entry is immutable and a slot is one reference, so a race costs at most a miss.
 */
public final class StringInterner {

  static final int SLOTS = 256;
  static final int MAX_BYTES = 96;

  private record Entry(byte[] utf8, String value) {
  }

  private final Entry[] table = new Entry[SLOTS];

  /** @return the UTF-8 string of {@code len} bytes at {@code at}, shared when it was seen before */
  public String decode(Buffer buffer, int at, int len) {
    if (len > MAX_BYTES) {
      return buffer.getString(at, at + len, "UTF-8");
    }
    int h = 0;
    for (int i = 0; i < len; i++) {
      h = 31 * h + buffer.getByte(at + i);
    }
    int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
    Entry e = table[slot];
    if (e != null && sameBytes(e.utf8, buffer, at, len)) {
      return e.value;
    }
    byte[] bytes = buffer.getBytes(at, at + len);
    String s = new String(bytes, StandardCharsets.UTF_8);
    s.hashCode();  // computed once, kept in the shared instance
    table[slot] = new Entry(bytes, s);
    return s;
  }

  private static boolean sameBytes(byte[] kept, Buffer buffer, int at, int len) {
    if (kept.length != len) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (kept[i] != buffer.getByte(at + i)) {
        return false;
      }
    }
    return true;
  }
}
