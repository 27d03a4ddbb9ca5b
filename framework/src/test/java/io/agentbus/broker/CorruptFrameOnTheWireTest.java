package io.agentbus.broker;

import io.agentbus.channel.Channel;
import io.agentbus.message.Message;
import io.agentbus.message.MessageType;
import io.agentbus.message.impl.MessageCodecImpl;
import io.agentbus.metrics.BrokerMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import io.vertx.test.fakecluster.FakeClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** A node that speaks a broken dialect of our codec: its frames are counted and dropped, nothing else breaks. */
class CorruptFrameOnTheWireTest {

  private Vertx good;
  private Vertx evil;

  private final BrokerOptions opts = new BrokerOptions();
  private MessageBroker broker;
  private Channel ch;
  private final List<Message> got = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Our node with a broker subscribed to a channel, and the evil node beside it. */
  @org.junit.jupiter.api.BeforeEach
  void start() {
    good = await(Vertx.builder().withClusterManager(new FakeClusterManager()).buildClustered());
    evil = await(Vertx.builder().withClusterManager(new FakeClusterManager()).buildClustered());
    broker = await(MessageBroker.eventBus(good, opts));
    ch = broker.channels().broadcast("dso", "env_0");
    await(broker.subscribe(ch, got::add));
  }

  @AfterEach
  void close() {
    await(good.close());
    await(evil.close());
    FakeClusterManager.reset();
  }

  /** Writes half a frame under our codec's name. */
  static final class TruncatingCodec implements MessageCodec<Message, Message> {
    @Override
    public void encodeToWire(Buffer buffer, Message m) {
      Buffer full = Buffer.buffer();
      MessageCodecImpl.instance().encodeToWire(full, m);
      buffer.appendBuffer(full.getBuffer(0, full.length() / 2));
    }

    @Override
    public Message decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Message transform(Message m) {
      return m;
    }

    @Override
    public String name() {
      return MessageCodecImpl.NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }

  @Test
  void corruptFramesAreCountedAndTheChannelKeepsWorking() {
    evil.eventBus().registerCodec(new TruncatingCodec());

    Message m = Message.of("env_0", "dso", "all", 1, MessageType.BROADCAST, new JsonObject().put("price", 50.0));
    evil.eventBus().publish(ch.address(), m, new DeliveryOptions().setCodecName(MessageCodecImpl.NAME));
    until("the corrupt frame to be counted", Duration.ofSeconds(10), () -> {
      var c = opts.getMeterRegistry().find(BrokerMetrics.DROPPED).tag("reason", BrokerMetrics.REASON_MALFORMED).counter();
      return c != null && c.count() == 1.0;
    });
    await(broker.publish(ch, m));
    until("the good message", Duration.ofSeconds(10), () -> got.size() == 1);
    assertThat(got).containsExactly(m);
  }

  /**
   * A batch of 128 corrupt items from a peer counts 128 drops and logs one line, not 128 (each
   * line was a WARN: a peer could flood the log at the rate it sends).
   */
  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void aBatchOfCorruptItemsIsCountedItemByItemAndLoggedOnce() {
    var evilBatch = new io.agentbus.message.impl.FrameBatchCodec<Message>(MessageCodecImpl.batchCodec().name(),
        (MessageCodec) new TruncatingCodec());
    evil.eventBus().registerCodec(evilBatch);
    Message m = Message.of("env_0", "dso", "all", 1, MessageType.BROADCAST, new JsonObject().put("price", 50.0));

    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(new io.agentbus.testing.TeeOutputStream(err, captured), true));
    try {
      evil.eventBus().publish(ch.address(), new io.agentbus.message.impl.FrameBatch(Collections.nCopies(128, m)),
          evilBatch.deliveryOptions());
      until("128 corrupt items to be counted", Duration.ofSeconds(10), () -> {
        var c = opts.getMeterRegistry().find(BrokerMetrics.DROPPED).tag("reason", BrokerMetrics.REASON_MALFORMED).counter();
        return c != null && c.count() == 128.0;
      });
      await(broker.publish(ch, m));
      until("the good message", Duration.ofSeconds(10), () -> got.size() == 1);
    } finally {
      System.setErr(err);
    }
    assertThat(captured.toString().lines().filter(l -> l.contains("dropped a malformed message")).count()).isEqualTo(1);
    assertThat(got).containsExactly(m);
  }
}
