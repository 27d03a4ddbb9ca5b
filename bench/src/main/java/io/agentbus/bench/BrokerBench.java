package io.agentbus.bench;

import io.agentbus.broker.BrokerOptions;
import io.agentbus.broker.MessageBroker;
import io.agentbus.channel.Channel;
import io.agentbus.message.Message;
import io.agentbus.message.MessageType;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;


/**
 * {@link MessageBroker} on the event bus against the raw Vert.x event bus, same payloads, same run:
 * publish→subscribe throughput and round-trip latency, in one JVM and between two JVMs over
 * Hazelcast. Prints a Markdown table with the ratios.
 *
 * <p>Usage: {@code BrokerBench [local|cluster|both|tls] [messages] [rounds]}; {@code tls} runs the
 * 2-JVM case twice in one run, plain and with the event bus on mutual TLS (a cluster secret).
 */
public final class BrokerBench {

  /** Messages in flight: below the consumers' buffer, or Vert.x would discard the excess. */
  private static final int WINDOW = 8_000;
  private static final int REPEATS = 5;

  private BrokerBench() {
  }

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "both";
    int messages = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    List<String> rows = new ArrayList<>();
    if (!mode.equals("cluster") && !mode.equals("tls")) {
      Vertx vertx = Vertx.vertx();
      await(vertx.deployVerticle(new BenchPeer()));
      rows.addAll(run("1 JVM", vertx, messages, rounds));
      await(vertx.close());
    }
    if (mode.equals("tls")) {
      rows.addAll(runCluster(messages, rounds, "2 JVMs plain", null));
      rows.addAll(runCluster(messages, rounds, "2 JVMs mutual TLS", BenchCluster.BENCH_SECRET));
    } else if (!mode.equals("local")) {
      rows.addAll(runCluster(messages, rounds, "2 JVMs (Hazelcast)", null));
    }
    BenchTable.print("Broker benchmark",
        "| setting | payload | raw msgs/s | agentbus msgs/s | ratio | raw p50 µs | agentbus p50 µs | ratio | raw p99 µs | agentbus p99 µs |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|", rows);
    System.exit(0);
  }

  private static List<String> runCluster(int messages, int rounds, String label, String secret) throws Exception {
    try (BenchCluster c = BenchCluster.start("bench", BenchPeer.class, secret)) {
      Thread.sleep(500);
      return run(label, c.driver.vertx(), messages, rounds);
    }
  }

  private static List<String> run(String setting, Vertx vertx, int messages, int rounds) {
    Driver driver = new Driver();
    await(vertx.deployVerticle(driver));
    List<String> rows = new ArrayList<>();
    for (int size : new int[] {64, 1024}) {
      // frozen once, as an application reusing a payload template would; the raw event bus copies
      // a JsonObject per local delivery, and our messages are shared instead
      JsonObject payload = Message.frozenPayload(Payloads.ofSize(size));
      // warm both paths, then interleave raw and agentbus runs so drift hits both alike
      await(driver.throughput(false, payload, messages));
      await(driver.throughput(true, payload, messages));
      await(driver.latency(false, payload, rounds));
      await(driver.latency(true, payload, rounds));
      double[] rawTput = new double[REPEATS];
      double[] busTput = new double[REPEATS];
      List<Long> raw = new ArrayList<>();
      List<Long> bus = new ArrayList<>();
      for (int r = 0; r < REPEATS; r++) {
        rawTput[r] = await(driver.throughput(false, payload, messages));
        busTput[r] = await(driver.throughput(true, payload, messages));
        raw.addAll(await(driver.latency(false, payload, rounds)));
        bus.addAll(await(driver.latency(true, payload, rounds)));
      }
      double rt = median(rawTput);
      double bt = median(busTput);
      long rp50 = percentile(raw, 0.5);
      long bp50 = percentile(bus, 0.5);
      rows.add(String.format(Locale.ROOT, "| %s | %d B | %,.0f | %,.0f | %.2f× | %.1f | %.1f | %.2f× | %.1f | %.1f |",
          setting, size, rt, bt, bt / rt, rp50 / 1e3, bp50 / 1e3, (double) bp50 / rp50,
          percentile(raw, 0.99) / 1e3, percentile(bus, 0.99) / 1e3));
      System.err.println(rows.get(rows.size() - 1));
    }
    return rows;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  private static long percentile(List<Long> samples, double p) {
    List<Long> sorted = new ArrayList<>(samples);
    sorted.sort(null);
    return sorted.get((int) Math.min(sorted.size() - 1, sorted.size() * p));
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The sending side, on its own context so sends are ordered and single-threaded. */
  static final class Driver extends VerticleBase {
    private MessageBroker broker;
    private Channel sink;
    private Channel ping;
    private Channel pong;
    private Runnable onProgress = () -> { };
    private long acked;
    private Promise<Void> pongPromise;

    @Override
    public Future<?> start() {
      vertx.eventBus().<Long>consumer(BenchPeer.PROGRESS, m -> {
        acked = m.body();
        onProgress.run();
      });
      return MessageBroker.eventBus(vertx, new BrokerOptions()).compose(b -> {
        broker = b;
        sink = b.channels().broadcast("driver", BenchPeer.ENV);
        ping = b.channels().action("driver", "peer", BenchPeer.ENV);
        pong = b.channels().info("peer", "driver", BenchPeer.ENV);
        return b.subscribe(pong, m -> {
          if (pongPromise != null) {
            Promise<Void> p = pongPromise;
            pongPromise = null;
            p.complete();
          }
        });
      });
    }

    Future<Double> throughput(boolean viaBroker, JsonObject payload, long n) {
      return onContext(() -> vertx.eventBus().request(BenchPeer.RESET, new JsonObject().put("target", n)).compose(v -> {
        Promise<Double> done = Promise.promise();
        long start = System.nanoTime();
        long[] sent = {0};
        acked = 0;
        Runnable pump = () -> {
          while (sent[0] < n && sent[0] - acked < WINDOW) {
            if (viaBroker) {
              broker.publish(sink, Message.builder().envId(BenchPeer.ENV).senderId("driver").recipientId("peer")
                  .type(MessageType.BROADCAST).payload(payload).build());
            } else {
              vertx.eventBus().publish(BenchPeer.RAW_SINK, payload);
            }
            sent[0]++;
          }
        };
        onProgress = () -> {
          if (acked >= n) {
            onProgress = () -> { };
            done.complete(n / ((System.nanoTime() - start) / 1e9));
          } else {
            pump.run();
          }
        };
        pump.run();
        return done.future();
      }));
    }

    /** @return the round-trip nanoseconds of {@code rounds} sequential round trips */
    Future<List<Long>> latency(boolean viaBroker, JsonObject payload, int rounds) {
      long[] samples = new long[rounds];
      return onContext(() -> loop(viaBroker, payload, 0, rounds, 0, samples).map(v -> {
        List<Long> out = new ArrayList<>(rounds);
        for (long x : samples) {
          out.add(x);
        }
        return out;
      }));
    }

    private Future<Void> loop(boolean viaBroker, JsonObject payload, int i, int total, int warmup, long[] samples) {
      Promise<Void> done = Promise.promise();
      step(viaBroker, payload, i, total, warmup, samples, done);
      return done.future();
    }

    private void step(boolean viaBroker, JsonObject payload, int i, int total, int warmup, long[] samples,
                      Promise<Void> done) {
      if (i == total) {
        done.complete();
        return;
      }
      long t0 = System.nanoTime();
      roundTrip(viaBroker, payload).onComplete(ar -> {
        if (i >= warmup) {
          samples[i - warmup] = System.nanoTime() - t0;
        }
        // continue from the event loop's task queue: no recursion however fast replies come
        context.runOnContext(v -> step(viaBroker, payload, i + 1, total, warmup, samples, done));
      });
    }

    private Future<Void> roundTrip(boolean viaBroker, JsonObject payload) {
      if (!viaBroker) {
        return vertx.eventBus().request(BenchPeer.RAW_ECHO, payload).mapEmpty();
      }
      pongPromise = Promise.promise();
      Future<Void> f = pongPromise.future();
      broker.publish(ping, Message.builder().envId(BenchPeer.ENV).senderId("driver").recipientId("peer")
          .type(MessageType.ACTION).payload(payload).build());
      return f;
    }

    private <T> Future<T> onContext(Supplier<Future<T>> work) {
      Promise<T> p = Promise.promise();
      Context ctx = context;
      ctx.runOnContext(v -> work.get().onComplete(p));
      return p.future();
    }
  }
}
