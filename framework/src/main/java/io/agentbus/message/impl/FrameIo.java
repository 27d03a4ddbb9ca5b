package io.agentbus.message.impl;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * The primitives every agentbus wire frame is built from: length-prefixed UTF-8 strings (at most
 * 65,535 bytes, refused rather than truncated when longer) and bounds-checked sequential reads, so
 * a truncated or lying frame fails with a reason instead of reading past its end.
 */
public final class FrameIo {

  private FrameIo() {
  }

  /**
   * Appends a string as an unsigned-short length and its UTF-8 bytes.
   *
   * @throws IllegalArgumentException when the string's UTF-8 form is longer than 65,535 bytes
   */
  public static void writeString(Buffer buffer, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 0xFFFF) {
      throw new IllegalArgumentException("string field longer than 65535 bytes");
    }
    buffer.appendUnsignedShort(bytes.length);
    buffer.appendBytes(bytes);
  }

  /** Bounds-checked sequential reads of one frame. */
  public static final class Reader {
    private final Buffer buffer;
    private final int end;
    private int pos;

    /**
     * @param buffer the buffer holding the frame
     * @param pos where reading starts
     * @param end where the frame ends (exclusive)
     */
    public Reader(Buffer buffer, int pos, int end) {
      this.buffer = buffer;
      this.pos = pos;
      this.end = end;
    }

    private int take(int n) {
      if (n < 0 || pos + n > end) {
        throw new IllegalStateException("truncated field at offset " + pos + " (needs " + n + " bytes, " + (end - pos) + " left)");
      }
      int at = pos;
      pos += n;
      return at;
    }

    /** @return a string written by {@link FrameIo#writeString} */
    public String string() {
      int len = buffer.getUnsignedShort(take(2));
      int at = take(len);
      return new String(buffer.getBytes(at, at + len), StandardCharsets.UTF_8);
    }

    /** @return a string written by {@link FrameIo#writeString}, shared with earlier frames' through {@code interner} */
    public String string(StringInterner interner) {
      int len = buffer.getUnsignedShort(take(2));
      return interner.decode(buffer, take(len), len);
    }

    /** Skips a string written by {@link FrameIo#writeString}. */
    public void skipString() {
      take(buffer.getUnsignedShort(take(2)));
    }

    /** @return the bytes left to read */
    public int remaining() {
      return end - pos;
    }

    /** @return where the next read starts */
    public int position() {
      return pos;
    }

    /** @return whether the {@code to - from} bytes at {@code from} are those of {@code bytes} */
    public boolean regionEquals(int from, int to, byte[] bytes) {
      if (bytes.length != to - from) {
        return false;
      }
      for (int i = 0; i < bytes.length; i++) {
        if (buffer.getByte(from + i) != bytes[i]) {
          return false;
        }
      }
      return true;
    }

    /** @return a copy of the bytes between {@code from} and {@code to} */
    public byte[] copy(int from, int to) {
      return buffer.getBytes(from, to);
    }

    /** @return a double */
    public double dbl() {
      return buffer.getDouble(take(8));
    }

    /** @return a byte */
    public byte byt() {
      return buffer.getByte(take(1));
    }

    /** @return an unsigned short */
    public int shrt() {
      return buffer.getUnsignedShort(take(2));
    }

    /** @return an int */
    public int integer() {
      return buffer.getInt(take(4));
    }

    /** @return a long */
    public long lng() {
      return buffer.getLong(take(8));
    }

    /** @return the next {@code n} bytes */
    public Buffer bytes(int n) {
      int at = take(n);
      return buffer.getBuffer(at, at + n);
    }

    /** @return whether the whole frame was read */
    public boolean atEnd() {
      return pos == end;
    }
  }
}
