package io.agentbus.agent.impl;

import io.agentbus.agent.AgentUnavailableException;
import io.agentbus.message.impl.CorruptFrame;
import io.agentbus.message.impl.FrameBatch;
import io.agentbus.message.impl.FrameCoalescer;
import io.agentbus.error.ThrottledWarning;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The caller's side of the agent calls an event loop makes to other nodes. A call joins the frame
 * that loop's turn sends to the owner's node ({@link FrameCoalescer#request}), behind the
 * publishes made before it: many calls to one node in a turn (a coordinator asking a thousand
 * microgrids to decide) cost one event-bus message instead of one each. A call that went alone is
 * an ordinary event-bus request; one that went in a batch carries a call id and this node's name,
 * and its node sends the answer back on its own to this node's answers address as soon as the
 * handler completes ({@link Answer}), so a slow handler does not hold back the others of its batch.
 *
 * <p>What a caller sees is the same either way: the reply, or the failure with its code; a
 * timeout after the call's own timeout; an {@link AgentUnavailableException} at once when the
 * owner's node leaves; a failure at once when its batch is not accepted (no runtime there). Every
 * call completes on the context that made it, once. An answer nobody waits for any more (its call
 * timed out) is dropped.
 *
 * <p>Threads: {@link #call} on an event loop; answers arrive on the runtime's context; the table
 * of calls waiting is concurrent.
 */
final class Calls {

  private static final Logger LOG = LoggerFactory.getLogger(Calls.class);

  private final Vertx vertx;
  private final String me;
  private final RuntimeAddresses addresses;
  private final FrameCoalescer<Envelope> toNodes;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, Call> waiting = new ConcurrentHashMap<>();
  private final ThrottledWarning malformedWarning = new ThrottledWarning(LOG);
  /** Answers that do not decode, and answers that came after their call had ended (timed out, node gone). */
  private final Counter malformed;
  private final Counter late;

  /** A call waiting for its answer. */
  private static final class Call {
    final String owner;
    final Context context;
    final Promise<Reply> answer = Promise.promise();
    long timer;

    Call(String owner, Context context) {
      this.owner = owner;
      this.context = context;
    }
  }

  /**
   * @param malformed counts answers that do not decode ({@code agentbus.agent.dropped{reason=malformed}})
   * @param meters where the late answers are counted ({@code agentbus.agent.dropped{reason=late-answer}}:
   *     handlers slower than their callers' timeouts)
   */
  Calls(Vertx vertx, String me, RuntimeAddresses addresses, FrameCoalescer<Envelope> toNodes, Counter malformed,
        MeterRegistry meters) {
    this.vertx = vertx;
    this.me = me;
    this.addresses = addresses;
    this.toNodes = toNodes;
    this.malformed = malformed;
    this.late = Counter.builder("agentbus.agent.dropped").description("agent envelopes dropped, per reason")
        .tag("reason", "late-answer").register(meters);
  }

  /**
   * Calls the agent {@code wire} is addressed to on node {@code owner}.
   *
   * @param wire the send, its payload encoded
   * @param bytes about how many bytes its frame takes
   * @param timeoutMillis how long to wait for the answer
   * @return the reply; failed as an event-bus request fails (timeout, no handlers, recipient failure with its code)
   */
  Future<Reply> call(String owner, Envelope wire, long bytes, long timeoutMillis) {
    long id = ids.incrementAndGet();
    Call c = new Call(owner, Vertx.currentContext());
    waiting.put(id, c);
    c.timer = vertx.setTimer(timeoutMillis, t -> {
      if (waiting.remove(id, c)) {
        c.answer.tryFail(new ReplyException(ReplyFailure.TIMEOUT, "timed out after " + timeoutMillis
            + " ms waiting for the answer of node " + owner));
      }
    });
    toNodes.request(addresses.inbox(owner), wire.asCall(id, me), bytes, timeoutMillis).onComplete(ar -> {
      if (ar.failed()) {
        settle(id, c, p -> p.tryFail(ar.cause()));
      } else if (ar.result() != null) {  // it went alone: this is the reply
        Object body = ar.result().body();
        settle(id, c, p -> {
          if (body instanceof Envelope r) {
            p.tryComplete(new Reply(r.payload, r.payloadType, r.payloadJson));
          } else {
            p.tryFail(new IllegalStateException("node " + owner + " answered with a malformed reply: "
                + (body instanceof CorruptFrame f ? f.reason() : String.valueOf(body))));
          }
        });
      }
      // else it went in a batch the node accepted: the answer comes on its own (onAnswers)
    });
    return c.answer.future();
  }

  /** Takes the answers (alone or in a batch) that arrived at this node's answers address. */
  void onAnswers(Message<Object> m) {
    FrameBatch.forEach(m.body(), item -> {
      if (!(item instanceof Answer a)) {
        malformed.increment();
        malformedWarning.warn("dropped a malformed answer: {}", item instanceof CorruptFrame f ? f.reason() : "unexpected body");
        return;
      }
      Call c = waiting.get(a.callId());
      if (c == null) {
        late.increment();
        LOG.debug("answer to call {} dropped: it timed out or failed before", a.callId());
        return;
      }
      settle(a.callId(), c, p -> {
        if (a.failure() != null) {
          p.tryFail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, a.failureCode(), a.failure()));
        } else {
          p.tryComplete(new Reply(null, a.payloadType(), a.payloadJson()));
        }
      });
    });
  }

  /** Fails at once the calls waiting for {@code node}, which left: nobody will answer them. */
  void nodeLeft(String node, Function<String, Throwable> why) {
    waiting.forEach((id, c) -> {
      if (c.owner.equals(node)) {
        settle(id, c, p -> p.tryFail(why.apply(node)));
      }
    });
  }

  /** The runtime closed: the calls still waiting fail (their answers could no longer arrive). */
  void closed(Throwable why) {
    waiting.forEach((id, c) -> settle(id, c, p -> p.tryFail(why)));
  }

  /** @return the calls waiting for an answer */
  int waiting() {
    return waiting.size();
  }

  /** Takes the call out of the table (once) and completes it on its own context. */
  private void settle(long id, Call c, Consumer<Promise<Reply>> outcome) {
    if (!waiting.remove(id, c)) {
      return;
    }
    vertx.cancelTimer(c.timer);
    if (Vertx.currentContext() == c.context) {
      outcome.accept(c.answer);
    } else {
      c.context.runOnContext(v -> outcome.accept(c.answer));
    }
  }
}
