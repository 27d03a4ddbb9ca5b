package io.agentbus.message.impl;

import java.util.List;
import java.util.function.Consumer;

/**
 * Several one-way event-bus messages to one address carried as one: what a {@link FrameCoalescer}
 * sends when one event loop sends to the same address more than once in a turn. Within a JVM the
 * instance itself is delivered (its items are immutable); across nodes it is one frame
 * ({@link FrameBatchCodec}), so Vert.x writes, flushes, encrypts (on TLS), reads and dispatches once
 * for all its items instead of once per item.
 *
 * <p>A receiver takes its items in order with {@link #forEach(Object, Consumer)}, which also
 * accepts a body that is not a batch (an item sent on its own): a consumer reached through a
 * coalescer handles both.
 *
 * @param items the items in the order they were sent; each an item of the batch's codec, or a
 *     {@link CorruptFrame} for an item that did not decode
 */
public record FrameBatch(List<Object> items) {

  /**
   * @param items the items, in order (copied)
   */
  public FrameBatch {
    items = List.copyOf(items);
  }

  /**
   * Hands each item of {@code body} to {@code each}, in order: the items of a batch, or the body
   * itself when it is not one.
   *
   * @param body an event-bus message body
   * @param each called with every item
   */
  public static void forEach(Object body, Consumer<Object> each) {
    if (body instanceof FrameBatch batch) {
      for (Object item : batch.items) {
        each.accept(item);
      }
    } else {
      each.accept(body);
    }
  }
}
