package io.agentbus.message.impl;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class StringInternerTest {

  private static Buffer framed(String prefix, String s) {
    return Buffer.buffer(prefix).appendString(s, "UTF-8");
  }

  private static String decode(StringInterner interner, Buffer b, int at) {
    return interner.decode(b, at, b.length() - at);
  }

  @Test
  void theSameBytesInAnotherFrameGiveTheSameString() {
    StringInterner interner = new StringInterner();
    String first = decode(interner, framed("xx", "sink-3"), 2);
    String second = decode(interner, framed("yyyy", "sink-3"), 4);
    assertEquals("sink-3", first);
    assertSame(first, second);
  }

  @Test
  void otherBytesGiveTheirOwnStringEvenInTheSameSlot() {
    StringInterner interner = new StringInterner();
    // many different strings: some share a slot, each must still decode to itself
    for (int i = 0; i < 10 * StringInterner.SLOTS; i++) {
      assertEquals("agent-" + i, decode(interner, framed("", "agent-" + i), 0));
    }
    assertEquals("héllo wörld", decode(interner, framed("", "héllo wörld"), 0));
    assertEquals("", decode(interner, framed("a", ""), 1));
  }

  @Test
  void longStringsAreDecodedButNotKept() {
    StringInterner interner = new StringInterner();
    String longOne = "k".repeat(StringInterner.MAX_BYTES + 1);
    String a = decode(interner, framed("", longOne), 0);
    String b = decode(interner, framed("", longOne), 0);
    assertEquals(longOne, a);
    assertNotSame(a, b);
    assertEquals(StringInterner.MAX_BYTES + 1, a.getBytes(StandardCharsets.UTF_8).length);
  }
}
