package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentUnavailableException;
import io.agentbus.message.impl.FrameBatch;
import io.agentbus.message.impl.FrameCoalescer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Calls} against a fake node that accepts batches and answers only when the test says:
 * answers correlated by id and completed on the caller's context, a late answer dropped, a
 * timeout per call, and every call to a node that leaves failed at once.
 */
class CallsCorrelationTest {

  private static Vertx vertx;
  private static RuntimeAddresses addresses;
  private static Calls calls;
  private static final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
  /** What reached the fake node "peer": the calls, in order. */
  private static final List<Envelope> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    EnvelopeCodec.registerOn(vertx.eventBus());
    addresses = new RuntimeAddresses("callstest");
    FrameCoalescer<Envelope> toNodes = new FrameCoalescer<>(vertx.eventBus(), EnvelopeCodec.BATCH, 128, 64 * 1024);
    calls = new Calls(vertx, "me", addresses, toNodes, meters.counter("agentbus.agent.dropped", "reason", "malformed"), meters);
    await(vertx.eventBus().<Object>consumer(addresses.inbox("peer"), m -> {
      FrameBatch.forEach(m.body(), item -> received.add((Envelope) item));
      if (m.body() instanceof FrameBatch) {
        m.reply(null);  // accepted; answers follow when the test sends them
      }
    }).completion());
    await(vertx.eventBus().<Object>consumer(addresses.answers("me"), calls::onAnswers).completion());
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static Envelope send(int n) {
    return new Envelope(Envelope.Kind.SEND, "m" + n, null, new AgentId("t", "k" + n), null, "Ask", null,
        Buffer.buffer("{\"n\":" + n + "}"), Map.of(), 0);
  }

  /** Makes {@code count} calls in one turn of an event loop; returns their futures and the context. */
  private static List<Future<Reply>> callsInOneTurn(int count, long timeoutMillis, Context[] on) {
    Context ctx = vertx.getOrCreateContext();
    Promise<List<Future<Reply>>> made = Promise.promise();
    ctx.runOnContext(v -> {
      List<Future<Reply>> fs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        fs.add(calls.call("peer", send(i), 100, timeoutMillis));
      }
      made.complete(fs);
    });
    on[0] = ctx;
    return await(made.future());
  }

  private static void waitReceived(int n) {
    io.agentbus.testing.Await.until("calls at the peer", java.time.Duration.ofSeconds(10), () -> received.size() >= n);
  }

  @Test
  void answersFindTheirCallsAndCompleteOnTheCallersContext() {
    received.clear();
    Context[] caller = new Context[1];
    List<Future<Reply>> fs = callsInOneTurn(3, 10_000, caller);
    waitReceived(3);
    assertThat(received).allMatch(Envelope::isCall).allMatch(e -> "me".equals(e.replyTo));
    List<Context> completedOn = new CopyOnWriteArrayList<>();
    fs.forEach(f -> f.onComplete(ar -> completedOn.add(Vertx.currentContext())));
    // answered out of order, one of them failed, from another thread
    long id0 = received.get(0).callId;
    long id1 = received.get(1).callId;
    long id2 = received.get(2).callId;
    vertx.eventBus().send(addresses.answers("me"), new FrameBatch(List.of(
        Answer.replied(id2, "Told", Buffer.buffer("{\"n\":2}")),
        Answer.failed(id1, 429, "mailbox full"),
        Answer.replied(id0, null, null))), AnswerCodec.BATCH.deliveryOptions());
    assertThat(await(fs.get(2)).json().toString()).isEqualTo("{\"n\":2}");
    assertThat(await(fs.get(0)).json()).isNull();
    Throwable failed = awaitFailure(fs.get(1));
    assertThat(failed).isInstanceOf(ReplyException.class).hasMessage("mailbox full");
    assertThat(((ReplyException) failed).failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(((ReplyException) failed).failureCode()).isEqualTo(429);
    io.agentbus.testing.Await.until("callbacks", java.time.Duration.ofSeconds(5), () -> completedOn.size() == 3);
    assertThat(completedOn).containsOnly(caller[0]);
    // an answer again, or to a call nobody made: dropped, nothing else happens
    vertx.eventBus().send(addresses.answers("me"), Answer.replied(id0, null, null));
    vertx.eventBus().send(addresses.answers("me"), Answer.replied(987_654, null, null));
    vertx.eventBus().send(addresses.answers("me"), new FrameBatch(List.of(new io.agentbus.message.impl.CorruptFrame("bad"),
        Answer.replied(987_655, null, null))), AnswerCodec.BATCH.deliveryOptions());
    io.agentbus.testing.Await.until("the late answers counted", java.time.Duration.ofSeconds(5),
        () -> meters.counter("agentbus.agent.dropped", "reason", "late-answer").count() == 3);
    assertThat(meters.counter("agentbus.agent.dropped", "reason", "malformed").count()).isEqualTo(1);
    assertThat(calls.waiting()).isZero();
  }

  @Test
  void eachCallKeepsItsOwnTimeout() {
    received.clear();
    Context[] caller = new Context[1];
    List<Future<Reply>> fs = callsInOneTurn(2, 200, caller);
    Throwable t = awaitFailure(fs.get(0));
    assertThat(t).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) t).failureType()).isEqualTo(ReplyFailure.TIMEOUT);
    assertThat(awaitFailure(fs.get(1))).isInstanceOf(ReplyException.class);
    assertThat(calls.waiting()).isZero();
  }

  @Test
  void callsToANodeThatLeftFailAtOnce() {
    received.clear();
    Context[] caller = new Context[1];
    List<Future<Reply>> fs = callsInOneTurn(5, 60_000, caller);
    waitReceived(5);
    calls.nodeLeft("someone else", n -> new AgentUnavailableException(n + " left"));
    assertThat(fs).noneMatch(Future::isComplete);
    calls.nodeLeft("peer", n -> new AgentUnavailableException(n + " left"));
    for (Future<Reply> f : fs) {
      assertThat(awaitFailure(f)).isInstanceOf(AgentUnavailableException.class).hasMessage("peer left");
    }
    assertThat(calls.waiting()).isZero();
  }

  @Test
  void aBatchNobodyAcceptsFailsItsCalls() {
    Context ctx = vertx.getOrCreateContext();
    Promise<List<Future<Reply>>> made = Promise.promise();
    ctx.runOnContext(v -> made.complete(List.of(calls.call("nobody", send(1), 100, 60_000),
        calls.call("nobody", send(2), 100, 60_000))));
    for (Future<Reply> f : await(made.future())) {
      Throwable t = awaitFailure(f);
      assertThat(t).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) t).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
    }
  }
}
