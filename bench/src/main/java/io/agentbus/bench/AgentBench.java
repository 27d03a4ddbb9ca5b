package io.agentbus.bench;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.TopicId;
import io.agentbus.agent.TypeSubscription;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumerOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Agent RPC, publish fan-out and one-way publish to one agent between agents on two JVMs against
 * raw Vert.x request/reply and publish, same run (the fan-out published from a plain thread, and
 * from an event loop as an agent's handler publishes); and 10,000 agent activations on one node. Prints Markdown tables.
 * Usage: {@code AgentBench [rpcCount] [activations] [tls]}; {@code tls} runs the 2-JVM measures
 * twice in one run, plain and with the event bus on mutual TLS (a cluster secret); {@code fanout}
 * runs only the fan-out, three rounds against both raw baselines (to profile it), {@code fanout-ours}
 * the same without the raw rounds.
 */
public final class AgentBench {

  static final int FAN_OUT = 10;
  static final String RAW_ECHO = "bench/agent/raw/echo";
  static final String RAW_FAN = "bench/agent/raw/fan";
  /** Raw consumers each in a verticle of its own (its own context, as each agent has). */
  static final String RAW_FAN_VERTICLES = "bench/agent/raw/fan-verticles";
  /** One raw consumer: the baseline of a publish to one agent. */
  static final String RAW_ONE = "bench/agent/raw/one";
  static final String COUNT = "bench/agent/count";
  /** Publishes not yet counted at the peer, at most (it reports every 20 ms). */
  static final int FAN_WINDOW = 20_000;

  /** The request. */
  public record Ping(int n, String pad) {
  }

  /** The reply. */
  public record Pong(int n) {
  }

  /** A published event. */
  public record Tick(int n) {
  }

  /** A published event of about 1 KB of JSON. */
  public record Note(int n, String text) {
  }

  static final class Echo extends Agent {
    @Override
    public Handlers handlers() {
      return Handlers.builder().onRequest(Ping.class, (p, ctx) -> new Pong(p.n())).build();
    }
  }

  static final class Sink extends Agent {
    private final AtomicLong received;

    Sink(AtomicLong received) {
      this.received = received;
    }

    @Override
    public Handlers handlers() {
      return Handlers.builder().on(Tick.class, (t, ctx) -> received.incrementAndGet())
          .on(Note.class, (t, ctx) -> received.incrementAndGet()).build();
    }
  }

  /** The peer process: echo and sink agents, raw echo and raw fan-out consumers. */
  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[2].contains(":")) {  // namespace, port, members: the peer process
      peer(args);
      return;
    }
    int rpcs = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int activations = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    List<String> rows = new ArrayList<>();
    if (args.length > 2 && args[2].startsWith("fanout")) {  // the fan-out alone, for a profiler (fanout-ours: no raw runs)
      boolean raw = !args[2].equals("fanout-ours");
      try (BenchCluster c = BenchCluster.start("agentbench", AgentBench.class, null)) {
        AgentRuntime rt = BrokerBench.await(AgentRuntime.create(c.driver, new AgentRuntimeOptions()));
        Vertx vertx = c.driver.vertx();
        JsonObject rawPayload = new JsonObject().put("n", 1).put("pad", "x".repeat(40));
        for (int round = 0; round < 3; round++) {
          double rawFan = raw ? fanOut(vertx, () -> vertx.eventBus().publish(RAW_FAN, rawPayload), rpcs) : 1;
          double rawSpread = raw ? fanOut(vertx, () -> vertx.eventBus().publish(RAW_FAN_VERTICLES, rawPayload), rpcs) : 1;
          double ourFan = fanOut(vertx, () -> rt.publish(new Tick(1), new TopicId("fan", "k"), null), rpcs);
          System.out.printf(Locale.ROOT, "fan-out round %d: raw %,.0f, raw in verticles %,.0f, agentbus %,.0f deliveries/s "
              + "(%.2f×, %.2f×)%n", round, rawFan, rawSpread, ourFan, ourFan / rawFan, ourFan / rawSpread);
        }
      }
      System.exit(0);
    }
    if (args.length > 2 && args[2].equals("tls")) {
      rows.addAll(clusterRows(rpcs, " (plain)", null));
      rows.addAll(clusterRows(rpcs, " (mutual TLS)", BenchCluster.BENCH_SECRET));
    } else {
      rows.addAll(clusterRows(rpcs, "", null));
    }
    String activationRow = activations(activations);
    BenchTable.print("Agent benchmark", "| measure | raw Vert.x | agentbus | ratio |", "|---|---:|---:|---:|", rows);
    System.out.println();
    System.out.println(activationRow);
    System.exit(0);
  }

  private static List<String> clusterRows(int rpcs, String label, String secret) throws Exception {
    List<String> rows = new ArrayList<>();
    try (BenchCluster c = BenchCluster.start("agentbench", AgentBench.class, secret)) {
      AgentRuntime rt = BrokerBench.await(AgentRuntime.create(c.driver, new AgentRuntimeOptions()));
      Vertx vertx = c.driver.vertx();
      JsonObject rawPayload = new JsonObject().put("n", 1).put("pad", "x".repeat(40));
      AgentId echo = new AgentId("echo", "e1");
      // warm up both
      rpcRate(() -> vertx.eventBus().request(RAW_ECHO, rawPayload).mapEmpty(), rpcs / 2, 64);
      rpcRate(() -> rt.send(new Ping(1, "x".repeat(40)), echo, null, Pong.class).mapEmpty(), rpcs / 2, 64);
      double[] raw = new double[3];
      double[] ours = new double[3];
      long[][] rawLat = new long[3][];
      long[][] ourLat = new long[3][];
      for (int r = 0; r < 3; r++) {
        raw[r] = rpcRate(() -> vertx.eventBus().request(RAW_ECHO, rawPayload).mapEmpty(), rpcs, 64);
        ours[r] = rpcRate(() -> rt.send(new Ping(1, "x".repeat(40)), echo, null, Pong.class).mapEmpty(), rpcs, 64);
        rawLat[r] = latency(() -> vertx.eventBus().request(RAW_ECHO, rawPayload).mapEmpty(), 3000);
        ourLat[r] = latency(() -> rt.send(new Ping(1, "x".repeat(40)), echo, null, Pong.class).mapEmpty(), 3000);
      }
      Arrays.sort(raw);
      Arrays.sort(ours);
      long rawP50 = median(rawLat);
      long ourP50 = median(ourLat);
      rows.add(String.format(Locale.ROOT, "| RPC 2 JVMs (64 in flight)" + label + " | %,.0f req/s | %,.0f req/s | %.2f× |", raw[1], ours[1], ours[1] / raw[1]));
      rows.add(String.format(Locale.ROOT, "| RPC 2 JVMs sequential p50" + label + " | %.1f µs | %.1f µs | %.2f× |", rawP50 / 1e3, ourP50 / 1e3,
          (double) ourP50 / rawP50));
      // fan-out: one publish reaches FAN_OUT subscribers on the peer
      double rawFan = fanOut(vertx, () -> vertx.eventBus().publish(RAW_FAN, rawPayload), rpcs);
      double ourFan = fanOut(vertx, () -> rt.publish(new Tick(1), new TopicId("fan", "k"), null), rpcs);
      rawFan = fanOut(vertx, () -> vertx.eventBus().publish(RAW_FAN, rawPayload), rpcs);
      ourFan = fanOut(vertx, () -> rt.publish(new Tick(1), new TopicId("fan", "k"), null), rpcs);
      rows.add(String.format(Locale.ROOT, "| publish fan-out to %d on 2 JVMs" + label + " | %,.0f deliveries/s | %,.0f deliveries/s | %.2f× |",
          FAN_OUT, rawFan, ourFan, ourFan / rawFan));
      // the same published from an event loop, as an agent's handler or a verticle publishes
      double rawLoop = fanOutFromEventLoop(vertx, () -> vertx.eventBus().publish(RAW_FAN, rawPayload), rpcs);
      double ourLoop = fanOutFromEventLoop(vertx, () -> rt.publish(new Tick(1), new TopicId("fan", "k"), null), rpcs);
      rawLoop = fanOutFromEventLoop(vertx, () -> vertx.eventBus().publish(RAW_FAN, rawPayload), rpcs);
      ourLoop = fanOutFromEventLoop(vertx, () -> rt.publish(new Tick(1), new TopicId("fan", "k"), null), rpcs);
      rows.add(String.format(Locale.ROOT, "| publish fan-out to %d on 2 JVMs, from an event loop" + label
          + " | %,.0f deliveries/s | %,.0f deliveries/s | %.2f× |", FAN_OUT, rawLoop, ourLoop, ourLoop / rawLoop));
      // one-way publish to one agent, as an outside harness measured it: a small event and a 1 KB one
      JsonObject rawNote = new JsonObject().put("n", 1).put("text", "x".repeat(1_000));
      for (boolean big : new boolean[] {false, true}) {
        Object event = big ? new Note(1, "x".repeat(1_000)) : new Tick(1);
        JsonObject rawBody = big ? rawNote : new JsonObject().put("n", 1);
        Runnable rawOne = () -> vertx.eventBus().publish(RAW_ONE, rawBody);
        Runnable ourOne = () -> rt.publish(event, new TopicId("solo", "k"), null);
        double rawSolo = fanOutFromEventLoop(vertx, rawOne, rpcs, 1);
        double ourSolo = fanOutFromEventLoop(vertx, ourOne, rpcs, 1);
        rawSolo = fanOutFromEventLoop(vertx, rawOne, rpcs, 1);
        ourSolo = fanOutFromEventLoop(vertx, ourOne, rpcs, 1);
        rows.add(String.format(Locale.ROOT, "| publish to 1 agent on 2 JVMs, from an event loop, %s" + label
            + " | %,.0f msgs/s | %,.0f msgs/s | %.2f× |", big ? "1 KB JSON" : "small", rawSolo, ourSolo, ourSolo / rawSolo));
      }
      BrokerBench.await(rt.close());
    }
    return rows;
  }

  private static void peer(String[] args) throws Exception {
    Node node = BrokerBench.await(Node.start(BenchCluster.peerOptions(args)));
    Vertx vertx = node.vertx();
    AgentRuntime rt = BrokerBench.await(AgentRuntime.create(node, new AgentRuntimeOptions()));
    AtomicLong received = new AtomicLong();
    BrokerBench.await(rt.register("echo", id -> new Echo()));
    for (int i = 0; i < FAN_OUT; i++) {
      BrokerBench.await(rt.register("sink" + i, id -> new Sink(received)));
      BrokerBench.await(rt.addSubscription(new TypeSubscription("fan", "sink" + i)));
    }
    BrokerBench.await(rt.register("solo", id -> new Sink(received)));
    BrokerBench.await(rt.addSubscription(new TypeSubscription("solo", "solo")));
    vertx.eventBus().consumer(new MessageConsumerOptions().setAddress(RAW_ONE).setMaxBufferedMessages(65_536),
        m -> received.incrementAndGet());
    vertx.eventBus().consumer(RAW_ECHO, m -> m.reply(m.body()));
    for (int i = 0; i < FAN_OUT; i++) {
      vertx.eventBus().consumer(new MessageConsumerOptions().setAddress(RAW_FAN).setMaxBufferedMessages(65_536),
          m -> received.incrementAndGet());
    }
    for (int i = 0; i < FAN_OUT; i++) {
      BrokerBench.await(vertx.deployVerticle(new VerticleBase() {
        @Override
        public Future<?> start() {
          return vertx.eventBus().consumer(new MessageConsumerOptions().setAddress(RAW_FAN_VERTICLES)
              .setMaxBufferedMessages(65_536), m -> received.incrementAndGet()).completion();
        }
      }));
    }
    vertx.setPeriodic(20, id -> vertx.eventBus().send(COUNT, received.get()));
    System.out.println("READY " + node.id());
    System.out.flush();
    Thread.currentThread().join();
  }

  private static double rpcRate(Supplier<Future<Void>> call, int total, int window) {
    Promise<Void> done = Promise.promise();
    long[] state = {0, 0};
    long t0 = System.nanoTime();
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      while (state[0] < total && state[0] - state[1] < window) {
        state[0]++;
        call.get().onComplete(ar -> {
          state[1]++;
          if (state[1] == total) {
            done.tryComplete();
          } else {
            pump[0].run();
          }
        });
      }
    };
    synchronized (state) {
      pump[0].run();
    }
    BrokerBench.await(done.future());
    return total / ((System.nanoTime() - t0) / 1e9);
  }

  private static long[] latency(Supplier<Future<Void>> call, int rounds) {
    long[] out = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      BrokerBench.await(call.get());
      out[i] = System.nanoTime() - t0;
    }
    return out;
  }

  private static long median(long[][] runs) {
    List<Long> all = new ArrayList<>();
    for (long[] r : runs) {
      for (long x : r) {
        all.add(x);
      }
    }
    all.sort(null);
    return all.get(all.size() / 2);
  }

  /**
   * Publishes {@code total} events, at most {@link #FAN_WINDOW} of them not yet counted at the
   * peer; returns deliveries per second at the peer. The peer reports its count every 20 ms: the
   * window of 500 publishes used until 2026-12-02 capped both sides near 500,000 deliveries/s, and
   * until 2026-12-03 the publisher spun while it waited for the peer, taking one of the two cores
   * the peer needed.
   */
  private static double fanOut(Vertx vertx, Runnable publishOne, int total) throws Exception {
    return deliveriesPerSecond(vertx, total, FAN_OUT, (uncounted, t0) -> new Context(vertx).run(() -> {
      for (int i = 0; i < total; i++) {
        publishOne.run();
        if (i % 1000 == 999) {
          while (uncounted.applyAsLong(i + 1) > FAN_WINDOW && System.nanoTime() - t0 < 60e9) {
            LockSupport.parkNanos(100_000);  // not a spin: on 2 cores a spinning driver takes the peer's CPU
          }
        }
      }
    }));
  }

  /**
   * {@link #fanOut} with the publishes made on an event loop: 1,000 per task, the next task queued
   * while fewer than {@link #FAN_WINDOW} publishes are uncounted, otherwise retried after 1 ms.
   */
  private static double fanOutFromEventLoop(Vertx vertx, Runnable publishOne, int total) throws Exception {
    return fanOutFromEventLoop(vertx, publishOne, total, FAN_OUT);
  }

  /** {@link #fanOutFromEventLoop(Vertx, Runnable, int)} for publishes that reach {@code perPublish} subscribers each. */
  private static double fanOutFromEventLoop(Vertx vertx, Runnable publishOne, int total, int perPublish) throws Exception {
    return deliveriesPerSecond(vertx, total, perPublish, (uncounted, t0) -> {
      io.vertx.core.Context loop = vertx.getOrCreateContext();
      int[] sent = {0};
      Runnable[] chunk = new Runnable[1];
      chunk[0] = () -> {
        if (uncounted.applyAsLong(sent[0]) > FAN_WINDOW && System.nanoTime() - t0 < 60e9) {
          vertx.setTimer(1, t -> chunk[0].run());
          return;
        }
        for (int i = 0; i < 1_000 && sent[0] < total; i++, sent[0]++) {
          publishOne.run();
        }
        if (sent[0] < total) {
          loop.runOnContext(v -> chunk[0].run());
        }
      };
      loop.runOnContext(v -> chunk[0].run());
    });
  }

  /** Starts the publishing of a fan-out measure: told how many of n publishes are not yet counted, and the start time. */
  private interface Publisher {
    void start(java.util.function.LongUnaryOperator uncounted, long t0);
  }

  /**
   * Runs {@code publisher} for {@code total} publishes and returns the deliveries per second the
   * peer counts until all {@code total × perPublish} are in (or 60 s pass).
   */
  private static double deliveriesPerSecond(Vertx vertx, int total, int perPublish, Publisher publisher) throws Exception {
    AtomicLong seen = new AtomicLong(-1);
    var consumer = vertx.eventBus().<Long>consumer(COUNT, m -> seen.set(m.body()));
    while (seen.get() < 0) {
      Thread.sleep(5);
    }
    long start = seen.get();
    long target = start + (long) total * perPublish;
    long t0 = System.nanoTime();
    publisher.start(sent -> sent - (seen.get() - start) / perPublish, t0);
    while (seen.get() < target && System.nanoTime() - t0 < 60e9) {
      Thread.sleep(2);
    }
    double rate = (seen.get() - start) / ((System.nanoTime() - t0) / 1e9);
    consumer.unregister();
    return rate;
  }

  /** Runs on the caller thread (publishers may be called from any thread). */
  private record Context(Vertx vertx) {
    void run(Runnable r) {
      r.run();
    }
  }

  private static String activations(int n) {
    Node node = BrokerBench.await(Node.start(new NodeOptions()));
    AgentRuntime rt = BrokerBench.await(AgentRuntime.create(node, new AgentRuntimeOptions()));
    BrokerBench.await(rt.register("echo", id -> new Echo()));
    System.gc();
    long before = usedHeap();
    long t0 = System.nanoTime();
    int window = 500;
    for (int i = 0; i < n; i += window) {
      List<Future<Pong>> batch = new ArrayList<>();
      for (int k = i; k < Math.min(n, i + window); k++) {
        batch.add(rt.send(new Ping(k, ""), new AgentId("echo", "a" + k), null, Pong.class));
      }
      BrokerBench.await(Future.all(batch));
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.gc();
    long after = usedHeap();
    int active = rt.localAgents().size();
    BrokerBench.await(rt.close());
    BrokerBench.await(node.close());
    return String.format(Locale.ROOT, "Activation: %,d agents on one node in %.2f s (%,.0f activations/s), %d active, "
        + "heap %.1f KiB per agent (verticle, context, state record)", n, secs, n / secs, active, (after - before) / 1024.0 / n);
  }

  private static long usedHeap() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
