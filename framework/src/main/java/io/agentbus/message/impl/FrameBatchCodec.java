package io.agentbus.message.impl;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

import java.util.ArrayList;
import java.util.List;

/**
 * The event-bus codec of a {@link FrameBatch} whose items are all of one codec: the same instance
 * within a JVM, and across nodes one frame of version byte, item count (int) and each item as its
 * length (int) and its own codec's frame.
 *
 * <p>Decoding never throws: a batch frame that does not hold together (a count or a length that
 * does not fit, bytes left over) yields a {@link CorruptFrame}; an item that does not decode is a
 * {@code CorruptFrame} in its place, so the other items of the batch are not lost with it.
 *
 * @param <T> the item type
 */
public final class FrameBatchCodec<T> extends ImmutableCodec<FrameBatch> {

  private static final byte VERSION = 1;

  private final MessageCodec<T, Object> itemCodec;
  private final DeliveryOptions options;

  /**
   * @param name the codec's name, the same on every node (for example {@code agentbus.message.batch.v1})
   * @param itemCodec the codec of one item: its {@code decodeFromWire} gets a buffer holding exactly that item
   */
  public FrameBatchCodec(String name, MessageCodec<T, Object> itemCodec) {
    super(name);
    this.itemCodec = itemCodec;
    this.options = new DeliveryOptions().setCodecName(name);
  }

  /**
   * Registers this codec on {@code eventBus} under its name, unless a broker or runtime sharing the
   * Vert.x instance did it first.
   *
   * @param eventBus the event bus
   * @return this codec
   */
  public FrameBatchCodec<T> registerOn(EventBus eventBus) {
    MessageCodecImpl.registerOnce(eventBus, () -> eventBus.registerCodec(this));
    return this;
  }

  /** @return the delivery options that send a batch with this codec (do not modify them) */
  public DeliveryOptions deliveryOptions() {
    return options;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void encodeToWire(Buffer buffer, FrameBatch batch) {
    buffer.appendByte(VERSION).appendInt(batch.items().size());
    for (Object item : batch.items()) {
      int at = buffer.length();
      buffer.appendInt(0);
      itemCodec.encodeToWire(buffer, (T) item);
      buffer.setInt(at, buffer.length() - at - 4);
    }
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    int end = buffer.length();
    if (end - pos < 5) {
      return new CorruptFrame("truncated batch header: " + (end - pos) + " bytes");
    }
    byte version = buffer.getByte(pos);
    if (version != VERSION) {
      return new CorruptFrame("unsupported batch version " + version);
    }
    int count = buffer.getInt(pos + 1);
    int at = pos + 5;
    if (count < 0 || count > (end - at) / 4) {  // every item takes at least its length field
      return new CorruptFrame("batch item count " + count + " does not fit its " + (end - at) + " bytes");
    }
    List<Object> items = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (end - at < 4) {
        return new CorruptFrame("batch truncated at item " + i + " of " + count);
      }
      int length = buffer.getInt(at);
      at += 4;
      if (length < 0 || length > end - at) {
        return new CorruptFrame("batch item " + i + " declares " + length + " bytes, " + (end - at) + " left");
      }
      Object item;
      try {
        item = itemCodec.decodeFromWire(0, buffer.slice(at, at + length));
      } catch (RuntimeException e) {
        item = new CorruptFrame(e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      items.add(item);
      at += length;
    }
    if (at != end) {
      return new CorruptFrame("batch holds " + (end - at) + " bytes after its " + count + " items");
    }
    return new FrameBatch(items);
  }
}
