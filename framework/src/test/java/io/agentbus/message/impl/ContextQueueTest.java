package io.agentbus.message.impl;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A context queue on a real Vert.x context: order per producer, the context only, turns given back, failures survived, the bound held, closing. */
class ContextQueueTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private record Item(int producer, int seq) {
  }

  @Test
  void itemsFromSeveralThreadsAreHandledOnTheContextInTheOrderEachProducerPutThem() throws Exception {
    Context context = vertx.getOrCreateContext();
    int producers = 3;
    int perProducer = 50_000;
    List<Item> seen = new ArrayList<>();  // touched on the context only
    AtomicInteger offContext = new AtomicInteger();
    CountDownLatch all = new CountDownLatch(producers * perProducer);
    ContextQueue<Item> mailbox = new ContextQueue<>(context, item -> {
      if (Vertx.currentContext() != context) {
        offContext.incrementAndGet();
      }
      seen.add(item);
      all.countDown();
    });
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      threads.add(new Thread(() -> {
        for (int i = 0; i < perProducer; i++) {
          mailbox.put(new Item(producer, i));
        }
      }));
    }
    threads.forEach(Thread::start);
    assertTrue(all.await(30, TimeUnit.SECONDS), "every item handled");
    CompletableFuture<List<Item>> copy = new CompletableFuture<>();
    context.runOnContext(v -> copy.complete(new ArrayList<>(seen)));
    List<Item> handled = copy.get(5, TimeUnit.SECONDS);
    assertEquals(0, offContext.get(), "items handled off the agent's context");
    assertEquals(producers * perProducer, handled.size());
    int[] next = new int[producers];
    for (Item item : handled) {
      assertEquals(next[item.producer()], item.seq(), "producer " + item.producer() + "'s items out of order");
      next[item.producer()]++;
    }
  }

  @Test
  void aLongBurstGivesTheEventLoopBackAfterEachBatch() throws Exception {
    Context context = vertx.getOrCreateContext();
    AtomicInteger handled = new AtomicInteger();
    CompletableFuture<Integer> handledWhenOtherTaskRan = new CompletableFuture<>();
    CountDownLatch all = new CountDownLatch(1_000);
    ContextQueue<Integer> mailbox = new ContextQueue<>(context, i -> {
      handled.incrementAndGet();
      all.countDown();
    });
    context.runOnContext(v -> {
      for (int i = 0; i < 1_000; i++) {
        mailbox.put(i);
      }
      // queued behind the mailbox's first turn: it must run after one batch, not after all 1,000
      context.runOnContext(x -> handledWhenOtherTaskRan.complete(handled.get()));
    });
    assertEquals(ContextQueue.BATCH, handledWhenOtherTaskRan.get(5, TimeUnit.SECONDS));
    assertTrue(all.await(5, TimeUnit.SECONDS));
  }

  @Test
  void aThrowingHandlerDoesNotStopTheMailbox() throws Exception {
    Context context = vertx.getOrCreateContext();
    List<Integer> seen = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(10);
    ContextQueue<Integer> mailbox = new ContextQueue<>(context, i -> {
      seen.add(i);
      all.countDown();
      if (i == 3) {
        throw new IllegalStateException("handler bug (expected in this test)");
      }
    });
    for (int i = 0; i < 10; i++) {
      mailbox.put(i);
    }
    assertTrue(all.await(5, TimeUnit.SECONDS), "handled after the failure: " + seen);
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen);
  }

  @Test
  void aBoundedQueueWhoseContextIsBusyRefusesWhatWouldTakeItOverItsCapacityAndHandsItToTheOverflow() throws Exception {
    Context context = vertx.getOrCreateContext();
    List<Integer> seen = new CopyOnWriteArrayList<>();
    List<Integer> refused = new CopyOnWriteArrayList<>();
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // the context is kept busy by another task, so the queue's drain cannot run meanwhile
    context.runOnContext(v -> {
      busy.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertTrue(busy.await(5, TimeUnit.SECONDS));
    ContextQueue<Integer> queue = new ContextQueue<>(context, seen::add, 5, refused::add);
    int accepted = 0;
    for (int i = 0; i < 20; i++) {
      accepted += queue.put(i) ? 1 : 0;
    }
    assertEquals(5, accepted);
    assertEquals(5, queue.waiting());
    assertEquals(List.of(5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19), refused);
    release.countDown();
    waitFor(() -> seen.size() == 5);
    assertEquals(List.of(0, 1, 2, 3, 4), seen);
    assertEquals(0, queue.waiting());
    assertTrue(queue.put(20), "room again once drained");
    waitFor(() -> seen.size() == 6);
  }

  @Test
  void aClosedQueueDropsWhatWaitsAndRefusesMore() throws Exception {
    Context context = vertx.getOrCreateContext();
    List<Integer> seen = new CopyOnWriteArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    ContextQueue<Integer> queue = new ContextQueue<>(context, seen::add);
    context.runOnContext(v -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    for (int i = 0; i < 10; i++) {
      queue.put(i);
    }
    queue.close();
    release.countDown();
    assertTrue(!queue.put(10), "a put after close is refused");
    CompletableFuture<Void> later = new CompletableFuture<>();
    context.runOnContext(v -> context.runOnContext(x -> later.complete(null)));
    later.get(5, TimeUnit.SECONDS);
    assertEquals(List.of(), seen);
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.sleep(10);
    }
  }
}
