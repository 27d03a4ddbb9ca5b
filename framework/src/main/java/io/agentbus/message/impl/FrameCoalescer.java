package io.agentbus.message.impl;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

import java.util.ArrayList;
import java.util.List;

/**
 * Coalesces the one-way sends and publishes an event loop makes to one address within one turn
 * into one event-bus message, a {@link FrameBatch}. A burst of small messages to another node then
 * costs Vert.x one frame, one socket write and flush (and on TLS one record) per batch rather than
 * per message; that per-message cost, not the bytes, is what bounds a flood of small messages
 * between JVMs, most of all over TLS.
 *
 * <p>What is kept: the order. The batch pending on a thread is sent before anything else the
 * coalescer sends from it: a send to another address, or the other kind (send vs publish), first
 * sends what is pending; a caller that is about to send something else to the same node outside
 * the coalescer (a request that must not overtake earlier one-way messages) calls {@link #flush()}
 * first. A batch is sent at the latest when the event loop runs the task the batch's first item
 * scheduled (after the tasks queued before it), or as soon as it holds {@code maxItems} items or
 * {@code maxBytes} bytes. A batch of one item is sent as that item, so an isolated message looks
 * on the wire exactly as it did without the coalescer.
 *
 * <p>Requests ({@link #request}) join the batch too, in their place. A request sent alone is an
 * ordinary event-bus request, its reply correlated by Vert.x. A batch holding requests is sent as
 * one request that its receiver acknowledges as a whole, at once ({@code m.reply(null)}), before
 * handling the items: each request's future then completes with {@code null}, and its answer is
 * the business of caller and receiver (the agent runtime sends each answer back on its own, as
 * soon as it is ready, so a slow handler does not hold back the fast ones of its batch). A batch
 * that is not acknowledged (no handlers, its node gone, no answer within the longest timeout of its
 * requests) fails every request in it.
 *
 * <p>Threads: batching happens only on event-loop threads (one pending batch per thread, so no
 * locks); from any other thread (a worker, a plain thread) every item is sent at once, as is.
 * Receivers take both forms with {@link FrameBatch#forEach}.
 *
 * @param <T> the item type, which has a default codec on the event bus
 */
public final class FrameCoalescer<T> {

  private final EventBus eventBus;
  private final FrameBatchCodec<T> codec;
  private final int maxItems;
  private final long maxBytes;
  private final ThreadLocal<Pending> pending = ThreadLocal.withInitial(Pending::new);

  /**
   * @param eventBus the event bus the items go on; {@code codec} must be registered on it
   * @param codec the batch codec of these items
   * @param maxItems the most items in one batch (at least 1)
   * @param maxBytes a batch is sent once its items' sizes (as the callers give them) reach this
   */
  public FrameCoalescer(EventBus eventBus, FrameBatchCodec<T> codec, int maxItems, long maxBytes) {
    if (maxItems < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("maxItems and maxBytes must be at least 1");
    }
    this.eventBus = eventBus;
    this.codec = codec;
    this.maxItems = maxItems;
    this.maxBytes = maxBytes;
  }

  /**
   * Sends {@code item} to one consumer of {@code address} (as {@link EventBus#send}), possibly with
   * others in one batch.
   *
   * @param address the address
   * @param item the item
   * @param bytes its size, or an estimate of it (bounds the batch)
   */
  public void send(String address, T item, long bytes) {
    add(address, false, item, bytes);
  }

  /**
   * Publishes {@code item} to every consumer of {@code address} (as {@link EventBus#publish}),
   * possibly with others in one batch.
   *
   * @param address the address
   * @param item the item
   * @param bytes its size, or an estimate of it (bounds the batch)
   */
  public void publish(String address, T item, long bytes) {
    add(address, true, item, bytes);
  }

  /**
   * Sends {@code item} as a request to one consumer of {@code address}, possibly with others in one
   * batch (see the class description for what the receiver of a batch must do).
   *
   * @param address the address
   * @param item the item
   * @param bytes its size, or an estimate of it (bounds the batch)
   * @param timeoutMillis how long to wait for the reply, or for the batch to be acknowledged
   * @return the reply when the request was sent alone; {@code null} when it went in a batch that
   *     the receiver acknowledged; failed as {@link EventBus#request} fails
   */
  public Future<Message<Object>> request(String address, T item, long bytes, long timeoutMillis) {
    Promise<Message<Object>> reply = Promise.promise();
    add(address, false, item, bytes, new Request(reply, timeoutMillis));
    return reply.future();
  }

  /** A request in a pending batch: its promise and timeout. */
  private record Request(Promise<Message<Object>> reply, long timeoutMillis) {
  }

  /** Sends what is pending on the calling thread now, if anything. */
  public void flush() {
    if (Context.isOnEventLoopThread()) {
      pending.get().send();
    }
  }

  private void add(String address, boolean publish, T item, long bytes) {
    add(address, publish, item, bytes, null);
  }

  private void add(String address, boolean publish, T item, long bytes, Request request) {
    Context context = Context.isOnEventLoopThread() ? Vertx.currentContext() : null;
    if (context == null) {
      sendOne(address, publish, item, request);
      return;
    }
    Pending p = pending.get();
    if (p.sending) {
      // called by a handler the event bus ran inside a send of ours (a local consumer on this
      // thread): what was pending is on the bus already, so this one goes right behind it
      sendOne(address, publish, item, request);
      return;
    }
    if (!p.items.isEmpty() && (p.publish != publish || !p.address.equals(address))) {
      p.send();
    }
    if (p.items.isEmpty()) {
      p.address = address;
      p.publish = publish;
    }
    if (request != null) {
      p.requests.add(request);
    }
    p.items.add(item);
    p.bytes += bytes;
    if (p.items.size() >= maxItems || p.bytes >= maxBytes) {
      p.send();
    } else if (!p.scheduled) {
      p.scheduled = true;
      context.runOnContext(p.sendTask);
    }
  }

  private void sendOne(String address, boolean publish, Object body, Request request) {
    if (request != null) {
      eventBus.request(address, body, new DeliveryOptions().setSendTimeout(request.timeoutMillis()))
          .onComplete(request.reply());
    } else if (publish) {
      eventBus.publish(address, body);
    } else {
      eventBus.send(address, body);
    }
  }

  /** The batch being filled on one event-loop thread. */
  private final class Pending {
    private final List<Object> items = new ArrayList<>();
    /** The requests among the items (in a batch of sends only). */
    private final List<Request> requests = new ArrayList<>(2);
    private final Handler<Void> sendTask = v -> {
      scheduled = false;
      send();
    };
    private String address;
    private boolean publish;
    private long bytes;
    private boolean scheduled;
    private boolean sending;

    void send() {
      int n = items.size();
      if (n == 0) {
        return;
      }
      Object body = n == 1 ? items.get(0) : new FrameBatch(items);
      items.clear();
      bytes = 0;
      List<Request> waiting = requests.isEmpty() ? List.of() : List.copyOf(requests);
      requests.clear();
      sending = true;
      try {
        if (n == 1) {
          sendOne(address, publish, body, waiting.isEmpty() ? null : waiting.get(0));
        } else if (!waiting.isEmpty()) {
          long timeout = 0;
          for (Request r : waiting) {
            timeout = Math.max(timeout, r.timeoutMillis());
          }
          eventBus.request(address, body, new DeliveryOptions(codec.deliveryOptions()).setSendTimeout(timeout))
              .onComplete(ack -> {
                for (Request r : waiting) {
                  if (ack.succeeded()) {
                    r.reply().tryComplete(null);
                  } else {
                    r.reply().tryFail(ack.cause());
                  }
                }
              });
        } else if (publish) {
          eventBus.publish(address, body, codec.deliveryOptions());
        } else {
          eventBus.send(address, body, codec.deliveryOptions());
        }
      } finally {
        sending = false;
      }
    }
  }
}
