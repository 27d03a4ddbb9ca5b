package io.agentbus.message.impl;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Items put from any thread, handled on one context, one at a time, in the order they were put,
 * up to {@value #BATCH} per turn of the context's event loop (then the turn is given back, so
 * that timers and replies on that loop are not starved, and the rest follow in the next turn). A
 * burst costs one event-loop task per turn instead of one per item. An agent's mailbox and a
 * broker subscriber's buffer are both one.
 *
 * <p>Bounded or not: a bounded queue refuses an item that would take it over its capacity and
 * hands that item to its overflow handler instead (on the putting thread), so that a handler
 * that falls behind, or a context that is blocked, costs at most {@code capacity} items of memory.
 *
 * <p>A handler that throws is logged and the queue goes on with the next item. After
 * {@link #close()} nothing more is handled: what was waiting is dropped, later puts are refused.
 */
public final class ContextQueue<T> {

  private static final Logger LOG = LoggerFactory.getLogger(ContextQueue.class);
  /** Items handled per turn of the event loop, at most. */
  public static final int BATCH = 64;

  private final Context context;
  private final Consumer<T> handler;
  private final int capacity;
  private final Consumer<T> overflow;
  private final Queue<T> items = new ConcurrentLinkedQueue<>();
  /** Items waiting, counted only when bounded (the unbounded queue of an agent pays nothing for it). */
  private final AtomicInteger waiting;
  /** Whether a drain is scheduled on the context or running. */
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Handler<Void> drainTask = v -> drain();
  private volatile boolean closed;

  /**
   * An unbounded queue.
   *
   * @param context where every item is handled
   * @param handler called with each item, on {@code context}
   */
  public ContextQueue(Context context, Consumer<T> handler) {
    this.context = context;
    this.handler = handler;
    this.capacity = Integer.MAX_VALUE;
    this.overflow = null;
    this.waiting = null;
  }

  /**
   * A queue of at most {@code capacity} waiting items.
   *
   * @param context  where every item is handled
   * @param handler  called with each item, on {@code context}
   * @param capacity how many items may wait, at least 1
   * @param overflow called, on the putting thread, with each item refused because the queue was full
   */
  public ContextQueue(Context context, Consumer<T> handler, int capacity, Consumer<T> overflow) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.context = context;
    this.handler = handler;
    this.capacity = capacity;
    this.overflow = overflow;
    this.waiting = new AtomicInteger();
  }

  /**
   * Hands over one item; safe from any thread.
   *
   * @return false if it was refused: the queue was full (the overflow handler has it) or closed
   */
  public boolean put(T item) {
    if (closed) {
      return false;
    }
    if (waiting != null && waiting.incrementAndGet() > capacity) {
      waiting.decrementAndGet();
      overflow.accept(item);
      return false;
    }
    items.offer(item);
    if (!draining.get() && draining.compareAndSet(false, true)) {
      context.runOnContext(drainTask);
    }
    return true;
  }

  /** Stops handling: items still waiting are dropped, later puts refused. Safe from any thread. */
  public void close() {
    closed = true;
    items.clear();
  }

  /** The items waiting now (bounded queues only; an unbounded one says 0). */
  public int waiting() {
    return waiting == null ? 0 : Math.max(0, waiting.get());
  }

  private void drain() {
    for (int n = 0; n < BATCH; n++) {
      if (closed) {
        items.clear();
        draining.set(false);
        return;
      }
      T item = items.poll();
      if (item == null) {
        draining.set(false);
        // an item put after the poll and before the flag went down: this drain takes it
        if (items.peek() == null || !draining.compareAndSet(false, true)) {
          return;
        }
        continue;
      }
      if (waiting != null) {
        waiting.decrementAndGet();
      }
      try {
        handler.accept(item);
      } catch (RuntimeException e) {
        LOG.error("a queue's handler failed on {}; the queue goes on", context, e);
      }
    }
    context.runOnContext(drainTask);
  }
}
