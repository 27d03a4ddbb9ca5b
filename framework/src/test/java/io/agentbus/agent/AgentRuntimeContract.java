package io.agentbus.agent;

import io.agentbus.agent.TestAgents.Add;
import io.agentbus.agent.TestAgents.Calculator;
import io.agentbus.agent.TestAgents.Fail;
import io.agentbus.agent.TestAgents.Hang;
import io.agentbus.agent.TestAgents.Here;
import io.agentbus.agent.TestAgents.MyAgent;
import io.agentbus.agent.TestAgents.MyMessage;
import io.agentbus.agent.TestAgents.Observer;
import io.agentbus.agent.TestAgents.Sum;
import io.agentbus.agent.TestAgents.WhereAreYou;
import io.agentbus.cluster.Node;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static io.agentbus.testing.Await.sleep;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent runtime's contract on three nodes; node 2 carries the label {@code gpu=yes}. Run on
 * Vert.x's fake cluster (fast, unit level) and on real Hazelcast (integration).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AgentRuntimeContract {

  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(10);

  protected final List<AgentRuntime> runtimes = new ArrayList<>();

  /**
   * @return three started nodes, node 2 with label gpu=yes; or one (the embedded node, labelled
   *     gpu=yes), on which {@code rt(i)} is that node's runtime for every i and the tests that need
   *     another node are skipped
   */
  protected abstract List<Node> startNodes();

  /** Stops the nodes. */
  protected abstract void stopNodes();

  @BeforeAll
  void start() {
    for (Node n : startNodes()) {
      runtimes.add(await(AgentRuntime.create(n, new AgentRuntimeOptions().setSendTimeoutMillis(5_000))));
    }
  }

  @AfterAll
  void stop() {
    runtimes.forEach(r -> await(r.close()));
    stopNodes();
  }

  protected AgentRuntime rt(int i) {
    return runtimes.get(i % runtimes.size());
  }

  /** Skips a test that needs an agent on another node when there is only one. */
  protected void needsSeveralNodes(String why) {
    org.junit.jupiter.api.Assumptions.assumeTrue(runtimes.size() > 1, "one node: " + why);
  }

  protected static String unique(String base) {
    return base + "_" + SEQ.incrementAndGet();
  }

  @Test
  void autogenSampleEachAgentPublishesFiveRepliesAndBothNodesSeeAll() {
    // AutoGen's documented sample: two runtimes each register MyAgent with the default subscription
    String w1 = unique("worker1");
    String w2 = unique("worker2");
    List<MyMessage> seenOn0 = TestAgents.newLog();
    List<MyMessage> seenOn1 = TestAgents.newLog();
    String o0 = unique("observer");
    String o1 = unique("observer");
    await(rt(0).register(w1, id -> new MyAgent("worker1")));
    await(rt(0).addSubscription(TypeSubscription.defaultFor(w1)));
    await(rt(1).register(w2, id -> new MyAgent("worker2")));
    await(rt(1).addSubscription(TypeSubscription.defaultFor(w2)));
    await(rt(0).register(o0, id -> new Observer(seenOn0)));
    await(rt(0).addSubscription(TypeSubscription.defaultFor(o0)));
    await(rt(1).register(o1, id -> new Observer(seenOn1)));
    await(rt(1).addSubscription(TypeSubscription.defaultFor(o1)));

    await(rt(1).publish(new MyMessage("Hello!"), TopicId.defaultTopic(), null));

    until("11 messages on both nodes", WAIT, () -> seenOn0.size() >= 11 && seenOn1.size() >= 11);
    sleep(500);
    for (List<MyMessage> seen : List.of(seenOn0, seenOn1)) {
      assertThat(seen).hasSize(11);
      assertThat(seen).contains(new MyMessage("Hello!"));
      for (String w : List.of("worker1", "worker2")) {
        assertThat(seen.stream().map(MyMessage::content).filter(c -> c.startsWith(w + ":")).collect(Collectors.toList()))
            .containsExactlyInAnyOrder(w + ": Hello x 1", w + ": Hello x 2", w + ": Hello x 3", w + ": Hello x 4", w + ": Hello x 5");
      }
    }
  }

  @Test
  void messagesFromOneCallerReachEachAgentInTheOrderSentEvenWhileItActivates() {
    String type = unique("ordered");
    Map<String, List<Integer>> log = new java.util.concurrent.ConcurrentHashMap<>();
    for (AgentRuntime r : runtimes) {
      await(r.register(type, id -> new TestAgents.SlowStarter(log)));
    }
    await(rt(0).addSubscription(new TypePrefixSubscription(type + ":", type)));
    // from a thread that is no Vert.x context, as a caller outside the runtime is: each agent is
    // sent a stream of numbers that goes on while it starts (5..20 ms), published or sent
    int keys = 24;
    Map<String, Integer> sent = new java.util.HashMap<>();
    for (int k = 0; k < keys; k++) {
      String key = "k" + k;
      TopicId topic = new TopicId(type + ":", key);
      AgentId agent = new AgentId(type, key);
      long until = System.nanoTime() + 40_000_000L;
      int n = 0;
      while (System.nanoTime() < until) {
        n++;
        if (k % 2 == 0) {
          rt(0).publish(new TestAgents.Numbered(n), topic, null);
        } else {
          rt(0).send(new TestAgents.Numbered(n), agent, null);
        }
        if (n % 8 == 0) {
          Thread.onSpinWait();
        }
      }
      sent.put(key, n);
    }
    int total = sent.values().stream().mapToInt(Integer::intValue).sum();
    until("every message handled", Duration.ofSeconds(60), () -> log.values().stream().mapToInt(List::size).sum() == total);
    for (Map.Entry<String, Integer> e : sent.entrySet()) {
      assertThat(log.get(e.getKey())).as("agent " + e.getKey())
          .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, e.getValue()).boxed().toList());
    }
  }

  /**
   * An agent's handler runs on an event loop, where the publishes it makes to another node in one
   * turn travel as one frame: all arrive, in order, and the request it sends after them does not
   * overtake them.
   */
  @Test
  void aBurstOfPublishesFromAHandlerArrivesInOrderAndARequestAfterItDoesNotOvertakeIt() {
    needsSeveralNodes("the burst crosses the wire");
    String burster = unique("burster");
    String recipient = unique("burstlog");
    String topic = unique("bursts");
    List<Integer> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    await(rt(0).register(burster, id -> new TestAgents.Burster()));
    await(rt(1).register(recipient, id -> new TestAgents.BurstLog(log)));
    await(rt(0).addSubscription(new TypeSubscription(topic, recipient)));
    // the recipient is activated first, so the burst meets a running agent
    await(rt(0).publish(new TestAgents.Numbered(0), new TopicId(topic, "r"), null));
    until("the recipient active", WAIT, () -> log.size() == 1);
    int n = 1_000;
    TestAgents.Count seenBeforeDone = await(rt(0).send(new TestAgents.Burst(recipient, topic, n),
        new AgentId(burster, "b"), null, TestAgents.Count.class));
    assertThat(seenBeforeDone.value()).as("numbers the recipient had when the request came").isEqualTo(n + 1);
    assertThat(log).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(0, n).boxed().toList());
  }

  /**
   * Calls an agent's handler makes at once to another node (they may travel in one frame): each
   * gets its own outcome, the same as that call made alone, and as soon as it is ready — one call
   * whose handler never answers holds back none of the others.
   */
  @Test
  void callsMadeTogetherFromAHandlerEachGetTheirOwnOutcomeAsSoonAsReady() {
    needsSeveralNodes("the calls cross the wire");
    String calc = unique("calc");
    String fanner = unique("fanner");
    await(rt(1).register(calc, id -> new Calculator()));
    await(rt(0).register(fanner, id -> new TestAgents.Fanner(rt(0))));
    int n = 300;
    TestAgents.FanResult r = await(rt(0).send(new TestAgents.FanOut(calc, n), new AgentId(fanner, "f"), null,
        TestAgents.FanResult.class));
    assertThat(r.firstStillWaiting()).as("the hanging call 0 still waiting when all others were answered").isTrue();
    for (int i = 1; i < n; i++) {
      // the same call made alone, from this thread: the outcome to expect, failure class, code and message included
      Future<Sum> alone = rt(0).send(TestAgents.Fanner.call(i), new AgentId(calc, "k" + i), null, Sum.class,
          TestAgents.Fanner.timeoutOf(i));
      assertThat(r.outcomes().get(i)).as("call %d", i).isEqualTo(TestAgents.Fanner.outcome(awaitOutcome(alone)));
    }
    assertThat(r.outcomes().get(1)).startsWith("AgentTimeoutException DEADLINE_EXCEEDED");
    assertThat(r.outcomes().get(3)).contains("refused: no 3");
    assertThat(r.outcomes().get(4)).isEqualTo("sum 1004");
  }

  private static <T> io.vertx.core.AsyncResult<T> awaitOutcome(Future<T> f) {
    try {
      await(f);
    } catch (RuntimeException ignored) {
      // the outcome is read from the future
    }
    return f;
  }

  @Test
  void rpcAcrossNodes() {
    needsSeveralNodes("the reply crosses the wire (on one node the record itself is handed over)");
    String calc = unique("calc");
    await(rt(1).register(calc, id -> new Calculator()));
    for (AgentRuntime from : runtimes) {
      Sum s = await(from.send(new Add(2, 3), new AgentId(calc, "k"), null, Sum.class));
      assertThat(s).isEqualTo(new Sum(5));
    }
    // untyped replies: the JSON form until the class is known to the caller's runtime, then the record
    assertThat(await(rt(0).send(new Add(1, 1), new AgentId(calc, "k"), null)))
        .isEqualTo(new JsonPayload("Sum", new io.vertx.core.json.JsonObject().put("value", 2)));
    rt(0).payloadTypes().register(Sum.class);
    assertThat(await(rt(0).send(new Add(1, 1), new AgentId(calc, "k"), null))).isEqualTo(new Sum(2));
    assertThat(awaitFailure(rt(0).send("a bare string", new AgentId(calc, "k"), null))).hasMessageContaining("wrap the value in a record");
    assertThat(rt(1).localAgents()).contains(new AgentId(calc, "k"));
  }

  @Test
  void anAgentsStateIsAskedForAndHandedOverFromAnyNode() {
    String calc = unique("calc");
    await(rt(1).register(calc, id -> new Calculator()));
    AgentId a = new AgentId(calc, "a");
    AgentId b = new AgentId(calc, "b");
    assertThat(await(rt(1).send(new TestAgents.Increment(7), a, null, TestAgents.Count.class)).value()).isEqualTo(7);

    // asked from another node: the runtime answers from saveState() on the agent's own node
    JsonObject state = await(rt(0).saveState(a));
    assertThat(state).isEqualTo(new JsonObject().put("count", 7));
    // handed to another agent from a third node: loadState() runs before its next message
    await(rt(2).loadState(b, state));
    assertThat(await(rt(0).send(new TestAgents.Increment(1), b, null, TestAgents.Count.class)).value()).isEqualTo(8);
    assertThat(await(rt(2).saveState(b))).isEqualTo(new JsonObject().put("count", 8));

    // a stateless agent has an empty state; an agent with its own handler for the request answers itself
    String plain = unique("plain");
    await(rt(1).register(plain, id -> new Agent() {
      @Override
      public Handlers handlers() {
        return Handlers.builder().on(MyMessage.class, (m, ctx) -> { }).build();
      }
    }));
    assertThat(await(rt(0).saveState(new AgentId(plain, "k")))).isEqualTo(new JsonObject());
    String own = unique("own");
    await(rt(1).register(own, id -> new Agent() {
      @Override
      public Handlers handlers() {
        return Handlers.builder().onRequest(SaveStateRequest.class,
            (r, ctx) -> new SaveStateResponse(new JsonObject().put("mine", true))).build();
      }
    }));
    assertThat(await(rt(0).saveState(new AgentId(own, "k")))).isEqualTo(new JsonObject().put("mine", true));
    assertThat(awaitFailure(rt(0).saveState(new AgentId(unique("nobody"), "k")))).isInstanceOf(UnknownAgentTypeException.class);
  }

  @Test
  void bytesPayloadsCrossNodesUnchangedAndJsonHandlersRefuseThem() {
    String bin = unique("bin");
    byte[] data = {0, 1, 2, (byte) 0xff, 10, 13, 34};
    List<BytesPayload> published = new java.util.concurrent.CopyOnWriteArrayList<>();
    await(rt(1).register(bin, id -> new Agent() {
      @Override
      public Handlers handlers() {
        return Handlers.builder()
            .onBytes("pkg.Blob", (b, ctx) -> {
              if (!ctx.isRpc()) {
                published.add(b);
                return null;
              }
              return new BytesPayload("pkg.Reversed", "application/x-test", reversed(b.data()));
            })
            .onJson("Note", (json, ctx) -> json)
            .build();
      }
    }));
    await(rt(1).addSubscription(new TypeSubscription(bin, bin)));
    BytesPayload blob = new BytesPayload("pkg.Blob", BytesPayload.PROTOBUF, data);
    Object reply = await(rt(0).send(blob, new AgentId(bin, "k"), null, Object.class));
    assertThat(reply).isEqualTo(new BytesPayload("pkg.Reversed", "application/x-test", new byte[] {34, 13, 10, (byte) 0xff, 2, 1, 0}));
    await(rt(0).publish(blob, new TopicId(bin, "k"), null));
    until("the published bytes", java.time.Duration.ofSeconds(5), () -> published.size() == 1);
    assertThat(published.get(0)).isEqualTo(blob);
    // a JSON handler is not handed bytes that are not JSON
    assertThat(awaitFailure(rt(0).send(new BytesPayload("Note", BytesPayload.PROTOBUF, data), new AgentId(bin, "k"), null)))
        .hasMessageContaining("application/x-protobuf").hasMessageContaining("not JSON");
  }

  private static byte[] reversed(byte[] original) {
    byte[] out = new byte[original.length];
    for (int i = 0; i < original.length; i++) {
      out[i] = original[original.length - 1 - i];
    }
    return out;
  }

  @Test
  void aPublishTooLargeForARemoteSubscriberReachesNobody() {
    needsSeveralNodes("the limit is on what crosses the wire");
    // subscribers on this node and on another: the size check for the wire comes before any delivery
    String local = unique("near");
    String remote = unique("far");
    String topic = unique("big");
    List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
    await(rt(0).register(local, id -> new Agent() {
      @Override
      public Handlers handlers() {
        return Handlers.builder().onJson("Big", (j, ctx) -> got.add("near")).build();
      }
    }));
    await(rt(1).register(remote, id -> new Agent() {
      @Override
      public Handlers handlers() {
        return Handlers.builder().onJson("Big", (j, ctx) -> got.add("far")).build();
      }
    }));
    await(rt(0).addSubscription(new TypeSubscription(topic, local)));
    await(rt(0).addSubscription(new TypeSubscription(topic, remote)));
    JsonPayload big = new JsonPayload("Big", new io.vertx.core.json.JsonObject().put("s", "x".repeat(2 * 1024 * 1024)));
    assertThat(awaitFailure(rt(0).publish(big, new TopicId(topic, "k"), null))).hasMessageContaining("maxPayloadBytes");
    sleep(300);
    assertThat(got).as("a refused publish is delivered to nobody").isEmpty();
  }

  /** Two payload classes with one simple name. */
  static final class First {
    record Same(int n) {
    }
  }

  static final class Second {
    record Same(int n) {
    }
  }

  @Test
  void aPayloadNameClashFailsTheFutureInsteadOfThrowing() {
    String calc = unique("calc");
    await(rt(0).register(calc, id -> new Calculator()));
    AgentId target = new AgentId(calc, "k");
    rt(0).send(new First.Same(1), target, null).otherwiseEmpty(); // registers the name Same for First.Same
    io.vertx.core.Future<?>[] results = new io.vertx.core.Future<?>[2];
    org.assertj.core.api.Assertions.assertThatCode(() -> {
      results[0] = rt(0).send(new Second.Same(2), target, null);
      results[1] = rt(0).publish(new Second.Same(2), TopicId.defaultTopic(), null);
    }).as("send and publish return failed futures, never throw").doesNotThrowAnyException();
    assertThat(awaitFailure(results[0])).hasMessageContaining("PayloadName");
    assertThat(awaitFailure(results[1])).hasMessageContaining("PayloadName");
  }

  @Test
  void rpcTimesOutWithAClearError() {
    String calc = unique("calc");
    await(rt(1).register(calc, id -> new Calculator()));
    long t0 = System.nanoTime();
    Throwable err = awaitFailure(rt(0).send(new Hang(), new AgentId(calc, "k"), null, Sum.class, 300));
    assertThat(err).isInstanceOf(AgentTimeoutException.class).hasMessageContaining("within 300 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    // the agent still answers other calls
    assertThat(await(rt(0).send(new Add(1, 2), new AgentId(calc, "k"), null, Sum.class))).isEqualTo(new Sum(3));
  }

  @Test
  void unknownTypeFailsAtOnce() {
    long t0 = System.nanoTime();
    Throwable err = awaitFailure(rt(0).send(new Add(1, 2), new AgentId(unique("nobody"), "k"), null));
    assertThat(err).isInstanceOf(UnknownAgentTypeException.class).hasMessageContaining("no node has registered it");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void handlerExceptionReachesTheCaller() {
    String calc = unique("calc");
    await(rt(2).register(calc, id -> new Calculator()));
    Throwable err = awaitFailure(rt(0).send(new Fail("because"), new AgentId(calc, "k"), null));
    assertThat(err).isInstanceOf(AgentRpcException.class).hasMessageContaining("refused: because");
    Throwable unhandled = awaitFailure(rt(0).send(new MyMessage("?"), new AgentId(calc, "k"), null));
    assertThat(unhandled).hasMessageContaining("does not handle message type 'MyMessage'");
    // the kind of failure crosses the wire with it, and is the same from the agent's own node
    for (AgentRuntime from : List.of(rt(0), rt(2))) {
      assertThat(io.agentbus.error.ErrorCode.of(awaitFailure(from.send(new Fail("because"), new AgentId(calc, "k"), null))))
          .as("a handler's IllegalStateException").isEqualTo(io.agentbus.error.ErrorCode.FAILED_PRECONDITION);
      assertThat(io.agentbus.error.ErrorCode.of(awaitFailure(from.send(new MyMessage("?"), new AgentId(calc, "k"), null))))
          .as("a message type the agent does not handle").isEqualTo(io.agentbus.error.ErrorCode.INVALID_ARGUMENT);
    }
    assertThat(io.agentbus.error.ErrorCode.of(awaitFailure(rt(0).send(new Fail("x"), new AgentId(unique("nobody"), "k"), null))))
        .isEqualTo(io.agentbus.error.ErrorCode.NOT_FOUND);
  }

  @Test
  void removingASubscriptionStopsDelivery() {
    String type = unique("listener");
    String topicType = unique("news");
    List<MyMessage> seen = TestAgents.newLog();
    await(rt(1).register(type, id -> new Observer(seen)));
    TypeSubscription sub = new TypeSubscription(topicType, type);
    await(rt(0).addSubscription(sub));
    assertThat(awaitFailure(rt(2).addSubscription(new TypeSubscription(topicType, type)))).hasMessageContaining("already exists");
    await(rt(2).publish(new MyMessage("one"), new TopicId(topicType, "s"), null));
    until("first delivery", WAIT, () -> seen.size() == 1);
    await(rt(2).removeSubscription(sub.id()));
    assertThat(rt(0).subscriptions()).noneMatch(s -> s.id().equals(sub.id()));
    await(rt(0).publish(new MyMessage("two"), new TopicId(topicType, "s"), null));
    // a second topic proves the path still delivers; "two" must not have arrived before it
    String other = unique("other");
    await(rt(0).addSubscription(new TypeSubscription(other, type)));
    await(rt(0).publish(new MyMessage("three"), new TopicId(other, "s"), null));
    until("delivery on the other topic", WAIT, () -> seen.size() == 2);
    assertThat(seen).extracting(MyMessage::content).containsExactly("one", "three");
  }

  @Test
  void aPublishToSeveralAgentsOnAnotherNodeReachesEachInTheFormItHandles() {
    needsSeveralNodes("the payload crosses the wire once for all of them");
    String topicType = unique("many");
    List<MyMessage> records = TestAgents.newLog();
    List<JsonPayload> json = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < 3; i++) {
      String t = unique("asRecord");
      await(rt(1).register(t, id -> new Observer(records)));
      await(rt(0).addSubscription(new TypeSubscription(topicType, t)));
    }
    String asJson = unique("asJson");
    await(rt(1).register(asJson, id -> new Agent() {
      @Override
      public Handlers handlers() {
        return Handlers.builder().otherwise((p, ctx) -> {
          json.add(p);
          return io.vertx.core.Future.succeededFuture();
        }).build();
      }
    }));
    await(rt(0).addSubscription(new TypeSubscription(topicType, asJson)));
    for (String text : List.of("first", "second")) {  // the first activates them, the second finds them started
      await(rt(0).publish(new MyMessage(text), new TopicId(topicType, "s"), null));
    }
    until("3 records and 1 JSON per publish", WAIT, () -> records.size() == 6 && json.size() == 2);
    assertThat(records).extracting(MyMessage::content).containsExactlyInAnyOrder("first", "first", "first",
        "second", "second", "second");
    assertThat(json).extracting(p -> p.data().getString("content")).containsExactlyInAnyOrder("first", "second");
    assertThat(json).extracting(JsonPayload::type).containsOnly(rt(0).payloadTypes().nameOf(new MyMessage("x")));
  }

  @Test
  void prefixSubscriptionsRouteBySourceKey() {
    String type = unique("direct");
    List<MyMessage> seen = TestAgents.newLog();
    Set<String> keys = java.util.concurrent.ConcurrentHashMap.newKeySet();
    await(rt(2).register(type, id -> {
      keys.add(id.key());
      return new Observer(seen);
    }));
    await(rt(0).addSubscription(new TypePrefixSubscription(type + ":", type)));
    await(rt(0).publish(new MyMessage("a"), new TopicId(type + ":", "alpha"), null));
    await(rt(1).publish(new MyMessage("b"), new TopicId(type + ":rpc", "beta"), null));
    await(rt(1).publish(new MyMessage("c"), new TopicId(type, "gamma"), null));
    until("two deliveries", WAIT, () -> seen.size() == 2);
    sleep(200);
    assertThat(seen).extracting(MyMessage::content).containsExactlyInAnyOrder("a", "b");
    assertThat(keys).containsExactlyInAnyOrder("alpha", "beta");
  }

  @Test
  void agentsAreSpreadOverRegisteringNodesAndPlacedConsistently() {
    needsSeveralNodes("spreading needs several registering nodes");
    String type = unique("where");
    for (AgentRuntime r : runtimes) {
      await(r.register(type, id -> new Calculator()));
    }
    Set<String> hosts = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      AgentId id = new AgentId(type, "k" + i);
      String first = await(rt(0).send(new WhereAreYou(), id, null, Here.class)).node();
      for (AgentRuntime r : runtimes) {
        assertThat(await(r.send(new WhereAreYou(), id, null, Here.class)).node()).isEqualTo(first);
      }
      hosts.add(first);
    }
    assertThat(hosts).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void requiredLabelsRestrictPlacement() {
    String type = unique("gpuonly");
    for (AgentRuntime r : runtimes) {
      await(r.register(type, id -> new Calculator(), RegistrationOptions.defaults().withRequiredLabels(Map.of("gpu", "yes"))));
    }
    for (int i = 0; i < 10; i++) {
      String host = await(rt(0).send(new WhereAreYou(), new AgentId(type, "k" + i), null, Here.class)).node();
      assertThat(host).isEqualTo(rt(2).node().id());
    }
  }

  @Test
  void lifecycleEventsAreObservableEverywhere() {
    String type = unique("lc");
    List<LifecycleEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    rt(0).onLifecycle(events::add);
    await(rt(1).register(type, id -> new Calculator()));
    await(rt(2).send(new Add(1, 1), new AgentId(type, "x"), null));
    until("the activation event", WAIT, () -> events.stream().anyMatch(e -> e.agentId().type().equals(type)));
    LifecycleEvent e = events.stream().filter(x -> x.agentId().type().equals(type)).findFirst().orElseThrow();
    assertThat(e.type()).isEqualTo(LifecycleEvent.Type.ACTIVATED);
    assertThat(e.nodeId()).isEqualTo(rt(1).node().id());
  }

  @Test
  void idleAgentsAreDeactivatedAndComeBackWithTheirState() {
    String type = unique("idle");
    List<LifecycleEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    rt(0).onLifecycle(events::add);
    await(rt(1).register(type, id -> new Calculator(), RegistrationOptions.defaults().withIdleTimeout(Duration.ofMillis(300))));
    AgentId id = new AgentId(type, "k");
    assertThat(await(rt(0).send(new TestAgents.Increment(5), id, null, TestAgents.Count.class)).value()).isEqualTo(5);
    until("deactivation", WAIT, () -> !rt(1).localAgents().contains(id)
        && events.stream().anyMatch(e -> e.agentId().equals(id) && e.type() == LifecycleEvent.Type.DEACTIVATED));
    assertThat(await(rt(0).send(new TestAgents.Increment(1), id, null, TestAgents.Count.class)).value()).isEqualTo(6);
  }

  @Test
  void oversizedPayloadsToAnotherNodeFailClearly() {
    needsSeveralNodes("the limit is on what crosses the wire");
    String calc = unique("calc");
    await(rt(1).register(calc, id -> new Calculator()));
    Throwable err = awaitFailure(rt(0).send(new JsonPayload("Add", new io.vertx.core.json.JsonObject()
        .put("a", 1).put("b", 2).put("blob", "x".repeat(2_000_000))), new AgentId(calc, "k"), null));
    assertThat(err).hasMessageContaining("more than the limit of 1048576 bytes");
    assertThat(await(rt(0).send(new Add(1, 2), new AgentId(calc, "k"), null, Sum.class))).isEqualTo(new Sum(3));
  }
}
