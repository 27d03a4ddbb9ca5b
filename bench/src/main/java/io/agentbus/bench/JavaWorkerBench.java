package io.agentbus.bench;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.TopicId;
import io.agentbus.agent.TypeSubscription;
import io.agentbus.grpc.WorkerClient;
import io.agentbus.grpc.WorkerClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The Java side of {@link BridgeBench}: two {@link WorkerClient}s in this JVM — one hosting an
 * {@code echo} agent and a {@code counter} subscribed to the default topic, one calling — against
 * whichever host listens on the given port (AutoGen's or ours). Sequential RPC latency, RPC
 * throughput with a window of requests in flight, and publish throughput to the subscriber, each
 * after a warm-up; with the host's process id, the CPU time the host spends per message. Prints one
 * JSON line. Usage: {@code JavaWorkerBench host:port count warmup hostPid}.
 */
public final class JavaWorkerBench {

  private static final int WINDOW = 256;

  private JavaWorkerBench() {
  }

  public static void main(String[] args) throws Exception {
    String address = args[0];
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    int n = Integer.parseInt(args[1]);
    int warmup = Integer.parseInt(args[2]);
    long hostPid = Long.parseLong(args[3]);
    Vertx vertx = Vertx.vertx();
    AtomicInteger received = new AtomicInteger();
    WorkerClientOptions options = new WorkerClientOptions().setHost(address.substring(0, address.lastIndexOf(':'))).setPort(port).setRpcTimeoutMillis(30_000);
    WorkerClient serve = BrokerBench.await(WorkerClient.connect(vertx, options));
    serve.onRequest((target, payload) -> Future.succeededFuture(new JsonPayload("Pong", payload.data())));
    serve.onEvent((topic, payload) -> received.incrementAndGet());
    BrokerBench.await(serve.registerAgentType("echo"));
    BrokerBench.await(serve.registerAgentType("counter"));
    BrokerBench.await(serve.addSubscription(new TypeSubscription("default", "counter")));
    WorkerClient call = BrokerBench.await(WorkerClient.connect(vertx, options));
    AgentId target = new AgentId("echo", "k");

    if (Boolean.getBoolean("agentbus.bench.publishOnly")) {  // profiling the publish path alone
      publish(call, received, warmup);
      long t0 = System.nanoTime();
      int got = publish(call, received, n);
      System.out.println(new JsonObject().put("publish_per_s", got / ((System.nanoTime() - t0) / 1e9)).encode());
      System.exit(0);
    }
    sequential(call, target, warmup);
    concurrent(call, target, warmup);
    publish(call, received, warmup);

    JsonObject out = new JsonObject();
    Cpu cpu = new Cpu(hostPid);
    long[] samples = sequential(call, target, n);
    cpu.done(n, "rpc_seq", out);
    Arrays.sort(samples);
    out.put("rpc_p50_ms", samples[n / 2] / 1e6).put("rpc_p99_ms", samples[(int) (n * 0.99)] / 1e6);

    cpu = new Cpu(hostPid);
    long t0 = System.nanoTime();
    concurrent(call, target, n);
    out.put("rpc_per_s", n / ((System.nanoTime() - t0) / 1e9));
    cpu.done(n, "rpc", out);

    cpu = new Cpu(hostPid);
    t0 = System.nanoTime();
    int got = publish(call, received, n);
    out.put("publish_per_s", got / ((System.nanoTime() - t0) / 1e9)).put("received", got);
    cpu.done(n, "publish", out);

    System.out.println(out.encode());
    BrokerBench.await(call.close());
    BrokerBench.await(serve.close());
    BrokerBench.await(vertx.close());
    System.exit(0);
  }

  private static long[] sequential(WorkerClient call, AgentId target, int n) {
    long[] samples = new long[n];
    JsonObject body = new JsonObject().put("n", 0);
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      BrokerBench.await(call.send(target, null, new JsonPayload("Ping", body)));
      samples[i] = System.nanoTime() - t;
    }
    return samples;
  }

  /** n RPCs with up to {@link #WINDOW} in flight: each reply sends the next request. */
  private static void concurrent(WorkerClient call, AgentId target, int n) {
    Promise<Void> done = Promise.promise();
    AtomicInteger started = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    JsonPayload ping = new JsonPayload("Ping", new JsonObject().put("n", 1));
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      if (started.getAndIncrement() >= n) {
        return;
      }
      call.send(target, null, ping).onComplete(ar -> {
        if (ar.failed()) {
          done.tryFail(ar.cause());
        } else if (finished.incrementAndGet() == n) {
          done.tryComplete();
        } else {
          next[0].run();
        }
      });
    };
    for (int i = 0; i < Math.min(WINDOW, n); i++) {
      next[0].run();
    }
    BrokerBench.await(done.future());
  }

  /** n publishes, at most {@link #WINDOW} ahead of what the subscriber has counted. */
  private static int publish(WorkerClient call, AtomicInteger received, int n) throws InterruptedException {
    received.set(0);
    JsonPayload tick = new JsonPayload("Tick", new JsonObject().put("n", 1));
    TopicId topic = new TopicId("default", "default");
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    for (int i = 0; i < n; i++) {
      while (i - received.get() >= WINDOW && System.nanoTime() < deadline) {
        LockSupport.parkNanos(20_000);
      }
      call.publish(topic, null, tick);
    }
    while (received.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    return received.get();
  }

  /** The host's CPU time over one phase. */
  private static final class Cpu {
    private final long pid;
    private final long start;

    Cpu(long pid) {
      this.pid = pid;
      this.start = cpuNanos(pid);
    }

    void done(int messages, String name, JsonObject out) {
      out.put(name + "_host_cpu_us", (cpuNanos(pid) - start) / 1e3 / messages);
    }

    static long cpuNanos(long pid) {
      return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
    }
  }
}
