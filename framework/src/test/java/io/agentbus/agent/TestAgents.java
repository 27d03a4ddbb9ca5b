package io.agentbus.agent;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Agents and payloads shared by the runtime tests. */
final class TestAgents {

  private TestAgents() {
  }

  /** AutoGen's documented sample message. */
  record MyMessage(String content) {
  }

  record Add(int a, int b) {
  }

  record Sum(int value) {
  }

  record Fail(String why) {
  }

  record Hang() {
  }

  record Increment(int by) {
  }

  record Count(int value) {
  }

  record WhereAreYou() {
  }

  record Slow(long millis) {
  }

  record Here(String node) {
  }

  /** The n-th message one caller sent to one agent. */
  record Numbered(int n) {
  }

  /**
   * Takes a while to start (a timer, so messages arrive while it activates) and logs, per agent
   * key, the numbers it is sent, in the order it handles them.
   */
  static final class SlowStarter extends Agent {
    private final java.util.Map<String, List<Integer>> log;

    SlowStarter(java.util.Map<String, List<Integer>> log) {
      this.log = log;
    }

    @Override
    public Future<Void> onStart() {
      Promise<Void> started = Promise.promise();
      context().vertx().setTimer(5 + (id().key().hashCode() & 15), t -> started.complete());
      return started.future();
    }

    @Override
    public Handlers handlers() {
      return Handlers.builder().on(Numbered.class, (m, ctx) -> log.computeIfAbsent(id().key(), k -> new CopyOnWriteArrayList<>())
          .add(m.n())).build();
    }
  }

  /** Asks a {@link Burster} for a burst. */
  record Burst(String recipientType, String topicType, int count) {
  }

  /** The end of a burst, sent as an RPC after the burst's publishes. */
  record Done(int after) {
  }

  /**
   * On a {@link Burst}, publishes {@code count} numbered messages to its recipient's topic from
   * its handler (an event loop), then sends the recipient a {@link Done} request and answers with
   * the reply.
   */
  static final class Burster extends Agent {
    @Override
    public Handlers handlers() {
      return Handlers.builder().onRequestAsync(Burst.class, (b, ctx) -> {
        for (int i = 1; i <= b.count(); i++) {
          publish(new Numbered(i), new TopicId(b.topicType(), "r"));
        }
        return send(new Done(b.count()), new AgentId(b.recipientType(), "r"), Count.class);
      }).build();
    }
  }

  /** Asks a {@link Fanner} to make {@code n} calls at once to {@code targetType/k0..k(n-1)}. */
  record FanOut(String targetType, int n) {
  }

  /**
   * @param outcomes per call, in call order: "sum N", or the failure's class, code and message;
   *     null for call 0, which was still waiting when the others were all answered
   * @param firstStillWaiting whether call 0 was still waiting then
   */
  record FanResult(List<String> outcomes, boolean firstStillWaiting) {
  }

  /**
   * Makes all its calls in one turn of its handler (so they may travel in one frame): call 0
   * {@link Hang}s with a 15 s timeout, call 1 {@link Hang}s with a 300 ms timeout, every call i with
   * i % 10 == 3 {@link Fail}s, the others {@link Add} (i, 1000). Answers once every call but the
   * first has its outcome.
   */
  static final class Fanner extends Agent {
    private final AgentRuntime runtime;

    Fanner(AgentRuntime runtime) {
      this.runtime = runtime;
    }

    /** @return the message call {@code i} of a {@link FanOut} sends */
    static Object call(int i) {
      return i <= 1 ? new Hang() : i % 10 == 3 ? new Fail("no " + i) : new Add(i, 1000);
    }

    /** @return how long call {@code i} waits */
    static long timeoutOf(int i) {
      return i == 0 ? 15_000 : i == 1 ? 300 : 10_000;
    }

    /** @return how a call's outcome is written in a {@link FanResult} */
    static String outcome(io.vertx.core.AsyncResult<Sum> ar) {
      if (ar.succeeded()) {
        return "sum " + ar.result().value();
      }
      Throwable t = ar.cause();
      return t.getClass().getSimpleName() + " " + io.agentbus.error.ErrorCode.of(t) + " " + t.getMessage();
    }

    @Override
    public Handlers handlers() {
      return Handlers.builder().onRequestAsync(FanOut.class, (f, ctx) -> {
        String[] outcomes = new String[f.n()];
        List<Future<Sum>> others = new java.util.ArrayList<>();
        for (int i = 0; i < f.n(); i++) {
          int index = i;
          Future<Sum> call = runtime.send(call(i), new AgentId(f.targetType(), "k" + i), id(), Sum.class, timeoutOf(i))
              .onComplete(ar -> outcomes[index] = outcome(ar));
          if (i > 0) {
            others.add(call);
          }
        }
        return Future.join(others).transform(v -> Future.succeededFuture(
            new FanResult(java.util.Arrays.asList(outcomes.clone()), outcomes[0] == null)));
      }).build();
    }
  }

  /** Logs the numbers it is published and answers a {@link Done} with how many it had by then. */
  static final class BurstLog extends Agent {
    private final List<Integer> log;

    BurstLog(List<Integer> log) {
      this.log = log;
    }

    @Override
    public Handlers handlers() {
      return Handlers.builder()
          .on(Numbered.class, (m, ctx) -> log.add(m.n()))
          .onRequest(Done.class, (d, ctx) -> new Count(log.size()))
          .build();
    }
  }

  /**
   * AutoGen's distributed-runtime sample agent: publishes a reply to the default topic for each
   * message received, five times at most.
   */
  static final class MyAgent extends Agent {
    private final String name;
    private int counter;

    MyAgent(String name) {
      this.name = name;
    }

    @Override
    public Handlers handlers() {
      return Handlers.builder().on(MyMessage.class, (m, ctx) -> {
        counter++;
        if (counter > 5) {
          return;
        }
        publish(new MyMessage(name + ": Hello x " + counter), TopicId.defaultTopic());
      }).build();
    }
  }

  /** Records everything published to the default topic. */
  static final class Observer extends Agent {
    final List<MyMessage> seen;

    Observer(List<MyMessage> seen) {
      this.seen = seen;
    }

    @Override
    public Handlers handlers() {
      return Handlers.builder().on(MyMessage.class, (m, ctx) -> seen.add(m)).build();
    }
  }

  /** RPC handlers: add, fail, hang, a counter with state, and where it runs. */
  static final class Calculator extends Agent {
    private int count;
    /** How long it takes to stop (its state is saved after that). */
    private final long stopMillis;

    Calculator() {
      this(0);
    }

    Calculator(long stopMillis) {
      this.stopMillis = stopMillis;
    }

    @Override
    public Future<Void> onStop() {
      if (stopMillis == 0) {
        return Future.succeededFuture();
      }
      Promise<Void> stopped = Promise.promise();
      context().vertx().setTimer(stopMillis, t -> stopped.complete());
      return stopped.future();
    }

    @Override
    public Handlers handlers() {
      return Handlers.builder()
          .onRequest(Add.class, (a, ctx) -> new Sum(a.a() + a.b()))
          .onRequest(Fail.class, (f, ctx) -> {
            throw new IllegalStateException("refused: " + f.why());
          })
          .onRequestAsync(Hang.class, (h, ctx) -> Promise.<Sum>promise().future())
          .onRequest(Increment.class, (i, ctx) -> new Count(count += i.by()))
          .onRequestAsync(Slow.class, (sl, ctx) -> {
            Promise<Sum> p = Promise.promise();
            context().vertx().setTimer(sl.millis(), id -> p.complete(new Sum((int) sl.millis())));
            return p.future();
          })
          .onRequest(WhereAreYou.class, (w, ctx) -> new Here(context().nodeId()))
          .build();
    }

    @Override
    public JsonObject saveState() {
      return new JsonObject().put("count", count);
    }

    @Override
    public void loadState(JsonObject state) {
      count = state.getInteger("count", 0);
    }
  }

  /**
   * @return the first of the agents {@code type/k0}, {@code k1}, ... (Calculators) that runs on
   *     node {@code nodeId}, asked through {@code from}; fails when none of the first 40 does
   */
  static AgentId hostedOn(AgentRuntime from, String type, String nodeId) {
    for (int i = 0; i < 40; i++) {
      AgentId id = new AgentId(type, "k" + i);
      if (io.agentbus.testing.Await.await(from.send(new WhereAreYou(), id, null, Here.class)).node().equals(nodeId)) {
        return id;
      }
    }
    throw new AssertionError("none of 40 agents of type " + type + " runs on node " + nodeId);
  }

  static List<MyMessage> newLog() {
    return new CopyOnWriteArrayList<>();
  }
}
