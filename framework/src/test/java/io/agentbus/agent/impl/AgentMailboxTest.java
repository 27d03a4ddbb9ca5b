package io.agentbus.agent.impl;

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

/** An agent's mailbox on a real Vert.x context: order per producer, the context only, turns given back, failures survived. */
class AgentMailboxTest {

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
    AgentMailbox<Item> mailbox = new AgentMailbox<>(context, item -> {
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
    AgentMailbox<Integer> mailbox = new AgentMailbox<>(context, i -> {
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
    assertEquals(AgentMailbox.BATCH, handledWhenOtherTaskRan.get(5, TimeUnit.SECONDS));
    assertTrue(all.await(5, TimeUnit.SECONDS));
  }

  @Test
  void aThrowingHandlerDoesNotStopTheMailbox() throws Exception {
    Context context = vertx.getOrCreateContext();
    List<Integer> seen = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(10);
    AgentMailbox<Integer> mailbox = new AgentMailbox<>(context, i -> {
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
}
