package io.agentbus.node;

import io.agentbus.llm.FakeOpenAi;
import io.agentbus.testing.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.agentbus.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an outsider can make the node allocate: 20,000 connections that never send a byte, and
 * 200,000 distinct LLM agent keys. The node stays healthy and its heap bounded.
 */
class HttpFloodIT {

  private static Vertx side;
  private static FakeOpenAi model;
  private static NodeMain.Running node;
  private static int port;

  @BeforeAll
  static void start() {
    side = Vertx.vertx();
    model = FakeOpenAi.start(side);
    port = FreePorts.pick(1).get(0);
    node = await(NodeMain.start(NodeConfig.load(new String[] {"--http-port", String.valueOf(port), "--verticles", "market,llm",
        "--llm-base-url", model.baseUrl(), "--llm-model", "m", "--llm-price", "0,0", "--llm-max-agents", "100"}, Map.of())));
  }

  @AfterAll
  static void stop() {
    await(node.stop());
    model.close();
    await(side.close());
  }

  /** Opens n connections to the node from a Python process (its own file-descriptor limit) and holds them. */
  private static final String HOLDER = String.join("\n",
      "import socket, sys",
      "host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])",
      "held = []",
      "for i in range(n):",
      "    s = socket.socket(); s.settimeout(10)",
      "    s.connect((host, port)); held.append(s)",
      "print('open', len(held), flush=True)",
      "sys.stdin.read()");

  @Test
  void twentyThousandSilentConnectionsDoNotStopHealth() throws Exception {
    // two client processes of 10,000 each: a process's file limit here is 20,000, and may not be raised
    java.util.List<Process> holders = new java.util.ArrayList<>();
    try {
      for (int h = 0; h < 2; h++) {
        holders.add(new ProcessBuilder("python3", "-c", HOLDER, "127.0.0.1", String.valueOf(port), "10000")
            .redirectError(ProcessBuilder.Redirect.INHERIT).start());
      }
      for (Process holder : holders) {
        String line = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("a holder opened its connections").isEqualTo("open 10000");
      }
      int fds = new java.io.File("/proc/self/fd").list().length;
      System.out.println("HttpFloodIT: open files of the node's JVM with 20,000 silent connections held: " + fds);
      assertThat(fds).as("the node holds at most --http-max-connections (1000) of them").isLessThan(2_500);
      WebClient web = WebClient.create(side);
      for (int i = 0; i < 5; i++) {
        long t0 = System.nanoTime();
        int status = await(web.get(port, "127.0.0.1", "/health").send()).statusCode();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf("HttpFloodIT: /health with 20,000 silent connections held: %d in %d ms%n", status, ms);
        assertThat(status).isEqualTo(200);
        assertThat(ms).as("answered within 1 s").isLessThan(1_000);
      }
      web.close();
    } finally {
      for (Process holder : holders) {
        holder.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void twoHundredThousandAgentKeysLeaveTheHeapBounded() {
    WebClient web = WebClient.create(side, new WebClientOptions().setPipelining(false), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(16));
    long before = usedHeapAfterGc();
    int total = 200_000;
    int inFlight = 64;
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    Promise<Void> done = Promise.promise();
    AtomicInteger finished = new AtomicInteger();
    long t0 = System.nanoTime();
    Runnable[] fire = new Runnable[1];
    fire[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= total) {
        return;
      }
      web.post(port, "127.0.0.1", "/api/llm/run").sendJsonObject(new JsonObject().put("message", "hi").put("agent", "k" + i))
          .onComplete(ar -> {
            statuses.computeIfAbsent(ar.succeeded() ? ar.result().statusCode() : -1, k -> new AtomicInteger()).incrementAndGet();
            if (finished.incrementAndGet() == total) {
              done.complete();
            } else {
              fire[0].run();
            }
          });
    };
    side.runOnContext(v -> {
      for (int i = 0; i < inFlight; i++) {
        fire[0].run();
      }
    });
    await(done.future(), java.time.Duration.ofSeconds(300));
    long secs = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
    long after = usedHeapAfterGc();
    System.out.printf("HttpFloodIT: %,d distinct keys in %d s: statuses %s; heap used after GC %d MB -> %d MB%n",
        total, secs, statuses, before >> 20, after >> 20);
    long assistants = node.runtime().localAgents().stream().filter(a -> a.type().equals(LlmSetup.ASSISTANT)).count();
    assertThat(assistants).isEqualTo(100);
    assertThat(statuses.get(429).get()).isEqualTo(total - 100);
    assertThat(statuses.get(200).get()).isEqualTo(100);
    assertThat(after - before).as("heap growth after 200,000 keys").isLessThan(64L << 20);
    assertThat(await(web.get(port, "127.0.0.1", "/health").send()).statusCode()).isEqualTo(200);
    web.close();
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
