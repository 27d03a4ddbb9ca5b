package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.TopicId;
import io.agentbus.message.impl.CorruptFrame;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The envelope's wire form: recipient lists kept from frame to frame, and frames that lie about them. */
class EnvelopeCodecTest {

  private static final List<AgentId> A = List.of(new AgentId("sink0", "k"), new AgentId("sink1", "k"));
  private static final List<AgentId> B = List.of(new AgentId("sink0", "k"), new AgentId("sink2", "k"), new AgentId("x", "y"));

  private static Envelope publish(List<AgentId> recipients) {
    return new Envelope(Envelope.Kind.PUBLISH, "m1", new AgentId("src", "1"), null, new TopicId("fan", "k"), "Tick", null,
        Buffer.buffer("{\"n\":1}"), Map.of("traceparent", "00-abc"), 0, recipients);
  }

  private static Buffer wire(EnvelopeCodec codec, Envelope e) {
    Buffer b = Buffer.buffer();
    codec.encodeToWire(b, e);
    return b;
  }

  private static Envelope roundTrip(EnvelopeCodec sender, EnvelopeCodec receiver, Envelope e) {
    Object decoded = receiver.decodeFromWire(0, wire(sender, e));
    assertInstanceOf(Envelope.class, decoded, () -> "not decoded: " + decoded);
    return (Envelope) decoded;
  }

  @Test
  void recipientListsChangingFromFrameToFrameDecodeAsSent() {
    EnvelopeCodec sender = new EnvelopeCodec();
    EnvelopeCodec receiver = new EnvelopeCodec();
    for (List<AgentId> list : List.of(A, A, B, A, List.<AgentId>of(), B, B)) {
      Envelope got = roundTrip(sender, receiver, publish(list));
      assertEquals(list, got.recipients);
      assertEquals("Tick", got.payloadType);
      assertEquals(new TopicId("fan", "k"), got.topic);
      assertEquals(new AgentId("src", "1"), got.sender);
      assertEquals(Map.of("traceparent", "00-abc"), got.metadata);
      assertEquals("{\"n\":1}", got.payloadJson.toString());
    }
  }

  @Test
  void theSameRecipientsInConsecutiveFramesAreDecodedOnce() {
    EnvelopeCodec sender = new EnvelopeCodec();
    EnvelopeCodec receiver = new EnvelopeCodec();
    Envelope first = roundTrip(sender, receiver, publish(A));
    Envelope second = roundTrip(sender, receiver, publish(List.copyOf(A)));
    assertSame(first.recipients, second.recipients);
    assertSame(first.payloadType, second.payloadType, "type names are shared strings");
  }

  @Test
  void aFrameLyingAboutItsRecipientCountIsCorruptNotAnAllocation() {
    EnvelopeCodec codec = new EnvelopeCodec();
    // the recipient count sits just before the payload length (-1: no payload) in a frame without recipients
    Envelope none = new Envelope(Envelope.Kind.PUBLISH, "m1", null, null, new TopicId("fan", "k"), "Tick", null, null,
        Map.of(), 0, List.of());
    Buffer frame = wire(codec, none);
    int countAt = frame.length() - 8;
    assertEquals(0, frame.getInt(countAt));
    for (int lie : new int[] {Integer.MAX_VALUE, 1 << 30, -5, 3}) {
      Buffer bad = frame.copy();
      bad.setInt(countAt, lie);
      Object decoded = codec.decodeFromWire(0, bad);
      assertInstanceOf(CorruptFrame.class, decoded, "count " + lie);
      assertTrue(((CorruptFrame) decoded).reason().length() > 0);
    }
  }
}
