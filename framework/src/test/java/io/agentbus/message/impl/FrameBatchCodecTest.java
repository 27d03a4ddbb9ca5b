package io.agentbus.message.impl;

import io.agentbus.message.Message;
import io.agentbus.message.MessageType;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A batch of messages on the wire: whole and in order, one bad item alone lost, a lying frame refused without throwing. */
class FrameBatchCodecTest {

  private final FrameBatchCodec<Message> codec = MessageCodecImpl.batchCodec();

  private static Message msg(int seq) {
    return Message.builder().envId("env").senderId("a").recipientId("b").timestamp(seq).type(MessageType.INFO)
        .payload(new JsonObject().put("seq", seq)).build();
  }

  @Test
  void aBatchCrossesTheWireWholeAndInOrder() {
    List<Object> sent = List.of(msg(1), msg(2), msg(3));
    Buffer wire = Buffer.buffer("prefix");
    codec.encodeToWire(wire, new FrameBatch(sent));
    Object decoded = codec.decodeFromWire(0, wire.getBuffer(6, wire.length()));
    assertThat(decoded).isInstanceOf(FrameBatch.class);
    assertThat(((FrameBatch) decoded).items()).isEqualTo(sent);
  }

  @Test
  void anItemThatDoesNotDecodeIsLostAloneTheOthersArrive() {
    List<Object> sent = List.of(msg(1), msg(2), msg(3));
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, new FrameBatch(sent));
    // the second item's version byte: after the batch header (5), item 1 (4 + its length) and item 2's length (4)
    int second = 5 + 4 + wire.getInt(5) + 4;
    wire.setByte(second, (byte) 99);
    List<Object> items = ((FrameBatch) codec.decodeFromWire(0, wire)).items();
    assertThat(items).hasSize(3);
    assertThat(items.get(0)).isEqualTo(sent.get(0));
    assertThat(items.get(1)).isInstanceOfSatisfying(CorruptFrame.class,
        c -> assertThat(c.reason()).contains("unsupported frame version 99"));
    assertThat(items.get(2)).isEqualTo(sent.get(2));
  }

  @Test
  void aBatchFrameThatLiesIsACorruptFrameNeverAnException() {
    Buffer good = Buffer.buffer();
    codec.encodeToWire(good, new FrameBatch(List.of(msg(1), msg(2))));

    Buffer hugeCount = good.copy().setInt(1, Integer.MAX_VALUE);
    assertThat(codec.decodeFromWire(0, hugeCount)).isInstanceOfSatisfying(CorruptFrame.class,
        c -> assertThat(c.reason()).contains("item count"));

    Buffer negativeLength = good.copy().setInt(5, -7);
    assertThat(codec.decodeFromWire(0, negativeLength)).isInstanceOfSatisfying(CorruptFrame.class,
        c -> assertThat(c.reason()).contains("declares -7 bytes"));

    Buffer truncated = good.getBuffer(0, good.length() - 3);
    assertThat(codec.decodeFromWire(0, truncated)).isInstanceOf(CorruptFrame.class);

    Buffer trailing = good.copy().appendString("junk");
    assertThat(codec.decodeFromWire(0, trailing)).isInstanceOfSatisfying(CorruptFrame.class,
        c -> assertThat(c.reason()).contains("4 bytes after its 2 items"));

    assertThat(codec.decodeFromWire(0, Buffer.buffer(new byte[] {1, 0}))).isInstanceOf(CorruptFrame.class);
    assertThat(codec.decodeFromWire(0, good.copy().setByte(0, (byte) 2))).isInstanceOfSatisfying(CorruptFrame.class,
        c -> assertThat(c.reason()).contains("unsupported batch version 2"));
  }
}
