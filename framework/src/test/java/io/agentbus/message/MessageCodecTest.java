package io.agentbus.message;

import io.agentbus.message.impl.CorruptFrame;
import io.agentbus.message.impl.MessageCodecImpl;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MessageCodecTest {

  private final MessageCodecImpl codec = MessageCodecImpl.instance();

  private static Message sample() {
    return Message.builder().envId("env_0").senderId("mg1").recipientId("dso").timestamp(3.25).custom("market_bid")
        .header(Message.TRACEPARENT, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        .payload(new JsonObject().put("quantity", 0.5).put("unicode", "Grüße ⚡").put("nested", new JsonObject().put("k", true)))
        .build();
  }

  @Test
  void roundTripsEveryField() {
    Message m = sample();
    Buffer wire = Buffer.buffer();
    wire.appendString("prefix");
    codec.encodeToWire(wire, m);
    Object decoded = codec.decodeFromWire(6, wire);
    assertThat(decoded).isEqualTo(m);
    Message d = (Message) decoded;
    assertThatFrozen(d);
  }

  @Test
  void localTransferIsTheSameInstance() {
    Message m = sample();
    assertThat(codec.transform(m)).isSameAs(m);
  }

  @Test
  void truncatedFramesAreReportedNotThrown() {
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, sample());
    for (int cut : new int[] {0, 3, 5, 12, wire.length() - 1}) {
      Object decoded = codec.decodeFromWire(0, wire.getBuffer(0, cut));
      assertThat(decoded).as("cut at %d", cut).isInstanceOf(CorruptFrame.class);
      assertThat(((CorruptFrame) decoded).reason()).contains("truncated");
    }
  }

  @Test
  void garbageAndUnknownVersionsAreReported() {
    Object garbage = codec.decodeFromWire(0, Buffer.buffer(new byte[] {1, 0, 0, 0, 4, (byte) 0xff, (byte) 0xff, 0, 0}));
    assertThat(garbage).isInstanceOf(CorruptFrame.class);
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, sample());
    wire.setByte(0, (byte) 9);
    assertThat(((CorruptFrame) codec.decodeFromWire(0, wire)).reason()).contains("version 9");
  }

  @Test
  void aCorruptPayloadIsReported() {
    Message m = Message.of("e", "a", "b", 0, MessageType.INFO, new JsonObject().put("k", "v"));
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, m);
    wire.setByte(wire.length() - 1, (byte) '[');
    assertThat(codec.decodeFromWire(0, wire)).isInstanceOf(CorruptFrame.class);
  }

  private static void assertThatFrozen(Message d) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.payload().getJsonObject("nested").put("k", false))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
