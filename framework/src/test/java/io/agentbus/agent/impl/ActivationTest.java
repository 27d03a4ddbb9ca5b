package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How an activation hands over the messages that arrived while its agent started. The target is
 * a fake that replies at once, on the calling thread: that is what makes a reply's callback hand
 * the activation a new message while it is still passing on the waiting ones.
 */
class ActivationTest {

  private static final AgentId AGENT = new AgentId("operator", "0");

  /** Records what it is handed, in order; replies at once with the message id. */
  private static final class Recording implements Activation.Target {
    final List<String> seen = new ArrayList<>();

    @Override
    public Future<Object> dispatch(Envelope e) {
      seen.add(e.messageId);
      return Future.succeededFuture(e.messageId);
    }
  }

  private static Envelope message(String id) {
    return new Envelope(Envelope.Kind.SEND, id, null, AGENT, null, "t", "p", null, java.util.Map.of(), 0);
  }

  @Test
  void messagesHandedOverWhileStartingReachTheAgentInOrder() {
    Activation<Recording> activation = new Activation<>();
    List<Future<Object>> replies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      replies.add(activation.dispatch(message("m" + i)));
    }
    assertTrue(replies.stream().noneMatch(Future::isComplete), "nothing is answered before the agent started");
    Recording target = new Recording();
    activation.started(target);
    assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), target.seen);
    for (int i = 0; i < 5; i++) {
      assertEquals("m" + i, replies.get(i).result());
    }
    assertSame(target, activation.startedHost());
  }

  @Test
  void aReplyThatSendsAgainWhileStartingIsDeliveredAfterTheWaitingOnes() {
    // a caller that sends its next message from the callback of its previous reply: on a started
    // activation that callback runs inside started(), on the same thread, under the same lock
    Activation<Recording> activation = new Activation<>();
    AtomicInteger chained = new AtomicInteger();
    List<Future<Object>> followUps = new ArrayList<>();
    Future<Object> first = activation.dispatch(message("m0"));
    first.onSuccess(r -> followUps.add(activation.dispatch(message("after-m0"))));
    Future<Object> last = activation.dispatch(message("m1"));
    last.onSuccess(r -> {
      followUps.add(activation.dispatch(message("after-m1")));
      chained.incrementAndGet();
    });
    Recording target = new Recording();
    activation.started(target);
    assertEquals(List.of("m0", "m1", "after-m0", "after-m1"), target.seen);
    assertEquals(1, chained.get());
    assertEquals(2, followUps.size());
    assertTrue(followUps.stream().allMatch(Future::succeeded), "follow-ups are answered, not left waiting");
    assertNotNull(activation.startedHost(), "the host is set: later messages go straight to it");
    activation.dispatch(message("later"));
    assertEquals("later", target.seen.get(target.seen.size() - 1));
  }

  @Test
  void anAgentThatFailedToStartFailsWaitingAndLaterMessages() {
    Activation<Recording> activation = new Activation<>();
    Future<Object> waiting = activation.dispatch(message("m0"));
    List<Future<Object>> followUps = new ArrayList<>();
    waiting.onFailure(t -> followUps.add(activation.dispatch(message("retry"))));
    IllegalStateException cause = new IllegalStateException("factory failed");
    activation.failed(cause);
    assertSame(cause, waiting.cause());
    assertEquals(1, followUps.size());
    assertSame(cause, followUps.get(0).cause());
    assertSame(cause, activation.dispatch(message("m1")).cause());
  }
}
