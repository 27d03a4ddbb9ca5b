package io.agentbus.message;

import io.agentbus.channel.InvalidIdException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageTest {

  private static Message sample() {
    return Message.builder().envId("env_0").senderId("coordinator").recipientId("field_1").timestamp(10.5)
        .type(MessageType.ACTION).header(Message.CORRELATION_ID, "c-1")
        .payload(new JsonObject().put("setpoint", 0.5).put("nested", new JsonObject().put("a", 1))
            .put("list", new JsonArray().add(1).add(new JsonObject().put("b", 2))))
        .build();
  }

  @Test
  void carriesHeronFieldsAndAUniqueId() {
    Message m = sample();
    assertThat(m.envId()).isEqualTo("env_0");
    assertThat(m.senderId()).isEqualTo("coordinator");
    assertThat(m.recipientId()).isEqualTo("field_1");
    assertThat(m.timestamp()).isEqualTo(10.5);
    assertThat(m.type()).isEqualTo(MessageType.ACTION);
    assertThat(m.payload().getDouble("setpoint")).isEqualTo(0.5);
    assertThat(m.header(Message.CORRELATION_ID)).isEqualTo("c-1");
    assertThat(m.id()).hasSize(36).isNotEqualTo(sample().id());
  }

  @Test
  void payloadIsDeeplyFrozenAndDetachedFromTheCallersObject() {
    JsonObject mine = new JsonObject().put("x", 1).put("inner", new JsonObject().put("y", 2));
    Message m = Message.of("env_0", "a", "b", 0, MessageType.INFO, mine);
    mine.put("x", 99);
    mine.getJsonObject("inner").put("y", 99);
    assertThat(m.payload().getInteger("x")).isEqualTo(1);
    assertThat(m.payload().getJsonObject("inner").getInteger("y")).isEqualTo(2);
    assertThatThrownBy(() -> m.payload().put("x", 2)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.payload().getJsonObject("inner").put("y", 3))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.headers().put("k", "v")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void customTypesNeedANameAndOnlyCustomMessagesHaveOne() {
    Message bid = Message.builder().envId("e").senderId("a").recipientId("b").custom("market_bid").build();
    assertThat(bid.type()).isEqualTo(MessageType.CUSTOM);
    assertThat(bid.customType()).isEqualTo("market_bid");
    assertThatThrownBy(() -> Message.builder().envId("e").senderId("a").recipientId("b").type(MessageType.CUSTOM).build())
        .isInstanceOf(InvalidIdException.class).hasMessageContaining("custom message type");
    assertThatThrownBy(() -> Message.builder().envId("e").senderId("a").recipientId("b").type(MessageType.INFO)
        .customType("x").build()).hasMessageContaining("only allowed with MessageType.CUSTOM");
  }

  @Test
  void rejectsPayloadValuesJsonCannotCarry() {
    assertThatThrownBy(() -> Message.of("e", "a", "b", 0, MessageType.INFO, new JsonObject().put("t", new Object() { })))
        .satisfiesAnyOf(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class),
            e -> assertThat(e).isInstanceOf(IllegalStateException.class));
  }

  @Test
  void registryIsScopedAndValidatesNames() {
    MessageTypeRegistry one = MessageTypeRegistry.create().register("market_bid", "Trading bid");
    MessageTypeRegistry two = MessageTypeRegistry.create();
    assertThat(one.isRegistered("market_bid")).isTrue();
    assertThat(two.isRegistered("market_bid")).isFalse();
    assertThat(one.all()).containsEntry("market_bid", "Trading bid");
    assertThatThrownBy(() -> one.register("bad/name", "")).isInstanceOf(InvalidIdException.class);
  }
}
