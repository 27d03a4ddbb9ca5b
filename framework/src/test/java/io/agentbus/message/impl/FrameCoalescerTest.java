package io.agentbus.message.impl;

import io.agentbus.message.Message;
import io.agentbus.message.MessageType;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The coalescer on a real event bus, counting the bus messages with an outbound interceptor: one
 * turn's sends to one address become batches of at most the bound, in order; another address or
 * a flush sends what is pending first; a plain thread sends each item as it is.
 */
class FrameCoalescerTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static Vertx vertx;
  private static final Map<String, AtomicInteger> busMessages = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> batches = new ConcurrentHashMap<>();
  private static final AtomicInteger ADDRESSES = new AtomicInteger();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    MessageCodecImpl.registerOn(vertx.eventBus());
    vertx.eventBus().addOutboundInterceptor(dc -> {
      busMessages.computeIfAbsent(dc.message().address(), a -> new AtomicInteger()).incrementAndGet();
      if (dc.message().body() instanceof FrameBatch) {
        batches.computeIfAbsent(dc.message().address(), a -> new AtomicInteger()).incrementAndGet();
      }
      dc.next();
    });
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Message msg(int seq) {
    return Message.builder().envId("env").senderId("a").recipientId("b").timestamp(seq).type(MessageType.INFO)
        .payload(new JsonObject().put("seq", seq)).build();
  }

  private static String newAddress() {
    return "coalescer.test." + ADDRESSES.incrementAndGet();
  }

  /** A consumer that records every item's seq (batches unpacked), in arrival order. */
  private static List<Integer> receiver(EventBus bus, String address) {
    List<Integer> seen = new CopyOnWriteArrayList<>();
    bus.consumer(address, m -> FrameBatch.forEach(m.body(), item -> seen.add((int) ((Message) item).timestamp())))
        .completion().toCompletionStage().toCompletableFuture().join();
    return seen;
  }

  private static FrameCoalescer<Message> coalescer(int maxItems, long maxBytes) {
    return new FrameCoalescer<>(vertx.eventBus(), MessageCodecImpl.batchCodec(), maxItems, maxBytes);
  }

  private static List<Integer> seqs(int from, int to) {
    return IntStream.range(from, to).boxed().collect(Collectors.toList());
  }

  private static int count(Map<String, AtomicInteger> counts, String address) {
    AtomicInteger n = counts.get(address);
    return n == null ? 0 : n.get();
  }

  @Test
  void oneTurnsSendsToOneAddressGoAsBatchesOfAtMostTheBoundInOrder() {
    String address = newAddress();
    List<Integer> seen = receiver(vertx.eventBus(), address);
    FrameCoalescer<Message> c = coalescer(128, Long.MAX_VALUE);
    vertx.getOrCreateContext().runOnContext(v -> {
      for (int i = 0; i < 300; i++) {
        c.send(address, msg(i), 100);
      }
    });
    until("300 items", WAIT, () -> seen.size() == 300);
    assertThat(seen).isEqualTo(seqs(0, 300));
    // 128 + 128 at the bound, 44 at the end of the turn
    assertThat(count(busMessages, address)).isEqualTo(3);
    assertThat(count(batches, address)).isEqualTo(3);
  }

  @Test
  void aBatchIsBoundedInBytes() {
    String address = newAddress();
    List<Integer> seen = receiver(vertx.eventBus(), address);
    FrameCoalescer<Message> c = coalescer(1_000, 64 * 1024);
    vertx.getOrCreateContext().runOnContext(v -> {
      for (int i = 0; i < 10; i++) {
        c.publish(address, msg(i), 30 * 1024);
      }
    });
    until("10 items", WAIT, () -> seen.size() == 10);
    assertThat(seen).isEqualTo(seqs(0, 10));
    // a batch goes once it reaches 64 KB: three items of 30 KB each
    assertThat(count(busMessages, address)).isEqualTo(4);
  }

  @Test
  void anotherAddressOrAFlushSendsWhatIsPendingFirst() {
    String a = newAddress();
    String b = newAddress();
    List<String> order = new CopyOnWriteArrayList<>();
    vertx.eventBus().consumer(a, m -> FrameBatch.forEach(m.body(), i -> order.add("a" + (int) ((Message) i).timestamp())))
        .completion().toCompletionStage().toCompletableFuture().join();
    vertx.eventBus().consumer(b, m -> FrameBatch.forEach(m.body(), i -> order.add("b" + (int) ((Message) i).timestamp())))
        .completion().toCompletionStage().toCompletableFuture().join();
    FrameCoalescer<Message> c = coalescer(128, Long.MAX_VALUE);
    Context ctx = vertx.getOrCreateContext();
    ctx.runOnContext(v -> {
      c.send(a, msg(1), 10);
      c.send(a, msg(2), 10);
      c.send(b, msg(3), 10);   // a's two go first
      c.send(a, msg(4), 10);   // then b's one
      c.flush();               // a's 4 now, before a message sent around the coalescer
      vertx.eventBus().send(a, msg(5));
    });
    until("five items", WAIT, () -> order.size() == 5);
    assertThat(order).containsExactly("a1", "a2", "b3", "a4", "a5");
    assertThat(count(batches, a)).isEqualTo(1);  // 1 and 2; 4 was alone and went as itself
    assertThat(count(busMessages, a)).isEqualTo(3);
    assertThat(count(busMessages, b)).isEqualTo(1);
    assertThat(count(batches, b)).isZero();
  }

  /** Code the event bus runs inside a send (an outbound interceptor here) may send through the coalescer too. */
  @Test
  void aSendMadeFromInsideASendGoesToItsOwnAddress() {
    String a = newAddress();
    String b = newAddress();
    String c = newAddress();
    List<Integer> atB = receiver(vertx.eventBus(), b);
    List<Integer> atC = receiver(vertx.eventBus(), c);
    List<Integer> atA = receiver(vertx.eventBus(), a);
    FrameCoalescer<Message> coalescer = coalescer(128, Long.MAX_VALUE);
    vertx.eventBus().addOutboundInterceptor(dc -> {
      if (dc.message().address().equals(a)) {
        coalescer.send(c, msg(100), 10);  // while the batch for a is being sent
      }
      dc.next();
    });
    vertx.getOrCreateContext().runOnContext(v -> {
      coalescer.send(a, msg(1), 10);
      coalescer.send(a, msg(2), 10);
      coalescer.send(b, msg(3), 10);  // sends a's batch first, whose interceptor sends to c
    });
    until("all four", WAIT, () -> atA.size() == 2 && atB.size() == 1 && atC.size() == 1);
    assertThat(atA).containsExactly(1, 2);
    assertThat(atB).containsExactly(3);
    assertThat(atC).containsExactly(100);
  }

  /**
   * A request alone is a plain request (its reply is the future's); in a batch it is acknowledged
   * with the batch (null); a batch nobody takes fails its requests, not its one-way items' senders.
   */
  @Test
  void requestsGoAloneAsRequestsAndInABatchAreAcknowledgedWithIt() {
    String address = newAddress();
    List<Integer> seen = new CopyOnWriteArrayList<>();
    vertx.eventBus().consumer(address, m -> {
      FrameBatch.forEach(m.body(), item -> seen.add((int) ((Message) item).timestamp()));
      if (m.body() instanceof FrameBatch) {
        m.reply(null);
      } else if (m.replyAddress() != null) {
        m.reply("reply to " + (int) ((Message) m.body()).timestamp());
      }
    }).completion().toCompletionStage().toCompletableFuture().join();
    FrameCoalescer<Message> c = coalescer(128, Long.MAX_VALUE);
    Context ctx = vertx.getOrCreateContext();
    List<io.vertx.core.Future<io.vertx.core.eventbus.Message<Object>>> replies = new CopyOnWriteArrayList<>();
    ctx.runOnContext(v -> replies.add(c.request(address, msg(1), 10, 5_000)));   // alone in its turn
    until("the first reply", WAIT, () -> !replies.isEmpty() && replies.get(0).isComplete());
    assertThat(replies.get(0).result().body()).isEqualTo("reply to 1");
    ctx.runOnContext(v -> {
      c.send(address, msg(2), 10);
      replies.add(c.request(address, msg(3), 10, 5_000));
      c.send(address, msg(4), 10);
      replies.add(c.request(address, msg(5), 10, 5_000));
    });
    until("the batch acknowledged", WAIT, () -> replies.size() == 3 && replies.get(1).isComplete() && replies.get(2).isComplete());
    assertThat(replies.get(1).result()).isNull();
    assertThat(replies.get(2).result()).isNull();
    assertThat(seen).containsExactly(1, 2, 3, 4, 5);
    assertThat(count(batches, address)).isEqualTo(1);

    String nobody = newAddress();
    List<io.vertx.core.Future<io.vertx.core.eventbus.Message<Object>>> refused = new CopyOnWriteArrayList<>();
    ctx.runOnContext(v -> {
      refused.add(c.request(nobody, msg(6), 10, 5_000));
      refused.add(c.request(nobody, msg(7), 10, 5_000));
    });
    until("both refused", WAIT, () -> refused.size() == 2 && refused.stream().allMatch(io.vertx.core.Future::failed));
    assertThat(refused.get(0).cause()).isInstanceOf(io.vertx.core.eventbus.ReplyException.class);
    assertThat(((io.vertx.core.eventbus.ReplyException) refused.get(1).cause()).failureType())
        .isEqualTo(io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS);
  }

  @Test
  void fromAThreadThatIsNotAnEventLoopEveryItemGoesAsItIs() {
    String address = newAddress();
    List<Integer> seen = receiver(vertx.eventBus(), address);
    FrameCoalescer<Message> c = coalescer(128, Long.MAX_VALUE);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      c.send(address, msg(i), 10);
      expected.add(i);
    }
    until("20 items", WAIT, () -> seen.size() == 20);
    assertThat(seen).isEqualTo(expected);
    assertThat(count(busMessages, address)).isEqualTo(20);
    assertThat(count(batches, address)).isZero();
  }

  @Test
  void sendsFromSeveralEventLoopsAtOnceLoseNothingAndKeepEachLoopsOrder() {
    String address = newAddress();
    Map<Integer, List<Integer>> bySender = new ConcurrentHashMap<>();
    vertx.eventBus().consumer(address, m -> FrameBatch.forEach(m.body(), item -> {
      Message msg = (Message) item;
      bySender.computeIfAbsent(Integer.parseInt(msg.senderId().substring(1)), s -> new CopyOnWriteArrayList<>())
          .add((int) msg.timestamp());
    })).completion().toCompletionStage().toCompletableFuture().join();
    FrameCoalescer<Message> c = coalescer(64, Long.MAX_VALUE);
    int senders = 4;
    int each = 2_000;
    for (int s = 0; s < senders; s++) {
      String sender = "s" + s;
      vertx.deployVerticle(new io.vertx.core.VerticleBase() {
        @Override
        public io.vertx.core.Future<?> start() {
          for (int i = 0; i < each; i++) {
            c.send(address, Message.builder().envId("env").senderId(sender).recipientId("b").timestamp(i)
                .type(MessageType.INFO).payload(new JsonObject()).build(), 10);
          }
          return io.vertx.core.Future.succeededFuture();
        }
      });
    }
    until("every item", WAIT, () -> bySender.size() == senders
        && bySender.values().stream().allMatch(l -> l.size() == each));
    bySender.values().forEach(l -> assertThat(l).isEqualTo(seqs(0, each)));
  }
}
