package io.agentbus.agent.impl;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * An agent's mailbox: items put from any thread are handled on the agent's context, one at a
 * time, in the order they were put, up to {@value #BATCH} per turn of the context's event loop
 * (then the turn is given back, so that timers and replies on that loop are not starved, and the
 * rest follow in the next turn). A burst of messages costs one event-loop task per turn instead of
 * one per message.
 *
 * <p>A handler that throws is logged and the mailbox goes on with the next item.
 */
final class AgentMailbox<T> {

  private static final Logger LOG = LoggerFactory.getLogger(AgentMailbox.class);
  /** Items handled per turn of the event loop, at most. */
  static final int BATCH = 64;

  private final Context context;
  private final Consumer<T> handler;
  private final Queue<T> items = new ConcurrentLinkedQueue<>();
  /** Whether a drain is scheduled on the context or running. */
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Handler<Void> drainTask = v -> drain();

  /**
   * @param context where every item is handled
   * @param handler called with each item, on {@code context}
   */
  AgentMailbox(Context context, Consumer<T> handler) {
    this.context = context;
    this.handler = handler;
  }

  /** Hands over one item; safe from any thread. */
  void put(T item) {
    items.offer(item);
    if (!draining.get() && draining.compareAndSet(false, true)) {
      context.runOnContext(drainTask);
    }
  }

  private void drain() {
    for (int n = 0; n < BATCH; n++) {
      T item = items.poll();
      if (item == null) {
        draining.set(false);
        // an item put after the poll and before the flag went down: this drain takes it
        if (items.peek() == null || !draining.compareAndSet(false, true)) {
          return;
        }
        continue;
      }
      try {
        handler.accept(item);
      } catch (RuntimeException e) {
        LOG.error("an agent mailbox handler failed; the mailbox goes on", e);
      }
    }
    context.runOnContext(drainTask);
  }
}
