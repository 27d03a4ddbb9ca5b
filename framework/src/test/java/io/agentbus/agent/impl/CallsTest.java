package io.agentbus.agent.impl;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.message.impl.FrameBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.test.fakecluster.FakeClusterManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The calls one turn of a handler makes to another node travel in as few event-bus messages as the
 * batch bound allows, and so do their answers: counted on the wire with outbound interceptors.
 * (What each call gets back is the runtime contract's: {@code callsMadeTogetherFromAHandler...}.)
 */
class CallsTest {

  private static final List<Vertx> vertxes = new ArrayList<>();
  private static final List<Node> nodes = new ArrayList<>();
  private static final List<AgentRuntime> runtimes = new ArrayList<>();
  private static final AtomicInteger toInbox = new AtomicInteger();
  private static final AtomicInteger toAnswers = new AtomicInteger();
  private static final AtomicInteger callsOnTheWire = new AtomicInteger();

  public record Ask(int n) {
  }

  public record Told(int n) {
  }

  /** Asked for {@code n}, calls {@code n} echo agents at once and answers with how many replied right. */
  public record Fan(int n) {
  }

  @BeforeAll
  static void start() {
    for (int i = 0; i < 2; i++) {
      Vertx v = await(Vertx.builder().withClusterManager(new FakeClusterManager()).buildClustered());
      vertxes.add(v);
      nodes.add(await(Node.attach(v, new NodeOptions().setNodeName("calls-" + i))));
    }
    until("2 members", Duration.ofSeconds(10), () -> nodes.stream().allMatch(n -> n.knownMembers().size() == 2));
    for (Node n : nodes) {
      runtimes.add(await(AgentRuntime.create(n, new AgentRuntimeOptions())));
    }
    RuntimeAddresses addresses = new RuntimeAddresses(new AgentRuntimeOptions().getNamespace());
    String inbox1 = addresses.inbox(nodes.get(1).id());
    String answers0 = addresses.answers(nodes.get(0).id());
    vertxes.get(0).eventBus().addOutboundInterceptor(dc -> {
      if (dc.message().address().equals(inbox1)) {
        toInbox.incrementAndGet();
        FrameBatch.forEach(dc.body(), item -> {
          if (item instanceof Envelope e && e.kind == Envelope.Kind.SEND) {
            callsOnTheWire.incrementAndGet();
          }
        });
      }
      dc.next();
    });
    vertxes.get(1).eventBus().addOutboundInterceptor(dc -> {
      if (dc.message().address().equals(answers0)) {
        toAnswers.incrementAndGet();
      }
      dc.next();
    });
    await(runtimes.get(1).register("echo", id -> new Agent() {
      @Override
      public Handlers handlers() {
        return Handlers.builder().onRequest(Ask.class, (a, ctx) -> new Told(a.n())).build();
      }
    }));
    AgentRuntime caller = runtimes.get(0);
    await(caller.register("fanner", id -> new Agent() {
      @Override
      public Handlers handlers() {
        return Handlers.builder().onRequestAsync(Fan.class, (f, ctx) -> {
          List<Future<Told>> calls = new ArrayList<>();
          for (int i = 0; i < f.n(); i++) {
            calls.add(send(new Ask(i), new AgentId("echo", "e" + i), Told.class));
          }
          return Future.all(calls).map(all -> {
            int right = 0;
            for (int i = 0; i < f.n(); i++) {
              right += calls.get(i).result().n() == i ? 1 : 0;
            }
            return new Told(right);
          });
        }).build();
      }
    }));
  }

  @AfterAll
  static void stop() {
    runtimes.forEach(rt -> await(rt.close()));
    nodes.forEach(n -> await(n.close()));
    vertxes.forEach(v -> await(v.close()));
    FakeClusterManager.reset();
  }

  @Test
  void theCallsOfOneTurnToANodeTravelInBatchesAndSoDoTheirAnswers() {
    // the echo agents exist first: their activations are not what is measured
    Told warm = await(runtimes.get(0).send(new Fan(300), new AgentId("fanner", "f"), null, Told.class));
    assertThat(warm.n()).isEqualTo(300);
    toInbox.set(0);
    toAnswers.set(0);
    callsOnTheWire.set(0);

    Told told = await(runtimes.get(0).send(new Fan(300), new AgentId("fanner", "f"), null, Told.class));

    assertThat(told.n()).as("calls answered with their own reply").isEqualTo(300);
    assertThat(callsOnTheWire.get()).isEqualTo(300);
    // 300 calls at most 128 to a frame: 3 frames, not 300 requests
    assertThat(toInbox.get()).as("event-bus messages to the echo agents' node").isEqualTo(3);
    // the answers leave as the echo agents' turns end: many to a frame, far fewer than 300
    assertThat(toAnswers.get()).as("event-bus messages with answers").isBetween(1, 100);
  }
}
