package io.agentbus.bench;

import io.agentbus.node.NodeConfig;
import io.agentbus.node.NodeMain;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The console's cost to the node it runs on: a node with the market (a step a second) and a
 * broker flood (the 1-JVM case of {@link BrokerBench}: 64-byte broadcasts through the broker on the
 * node's own Vert.x), measured with no dashboard page open and with {@code clients} pages (WebSocket
 * clients reading every update, in a child JVM), same run: bus throughput with and without them,
 * and the node's CPU per client (the node idle but for the market, 20 s each way).
 * Usage: {@code DashboardBench [clients] [messages]}.
 */
public final class DashboardBench {

  private DashboardBench() {
  }

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
    int port = freePort();
    NodeMain.Running node = BrokerBench.await(NodeMain.start(NodeConfig.load(new String[] {"--http-port",
        String.valueOf(port)}, Map.of())));
    Vertx vertx = node.node().vertx();
    BrokerBench.await(vertx.deployVerticle(new BenchPeer()));
    BrokerBench.Driver driver = new BrokerBench.Driver();
    BrokerBench.await(vertx.deployVerticle(driver));
    JsonObject payload = Payloads.ofSize(64);

    // warm-up
    for (int i = 0; i < 3; i++) {
      BrokerBench.await(driver.throughput(true, payload, n));
    }
    double cpuIdle = cpuPerSecond(Duration.ofSeconds(20));
    double[] without = rounds(driver, payload, n);

    Process browsers = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), DashboardClients.class.getName(), String.valueOf(port), String.valueOf(clients))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(browsers.getInputStream(), StandardCharsets.UTF_8));
    String ready = out.readLine();
    if (ready == null || !ready.startsWith("CONNECTED")) {
      throw new IllegalStateException("the clients did not connect: " + ready);
    }
    Thread.sleep(3_000);
    double cpuWithClients = cpuPerSecond(Duration.ofSeconds(20));
    double[] with = rounds(driver, payload, n);
    browsers.getOutputStream().close();
    JsonObject received = new JsonObject(out.readLine());
    browsers.waitFor();

    double w = median(without);
    double c = median(with);
    BenchTable.print(String.format(Locale.ROOT, "Dashboard benchmark: %d WebSocket clients, 64 B broker broadcasts", clients),
        "| measure | no page open | " + clients + " pages open | ratio |", "|---|---:|---:|---:|", List.of(
            String.format(Locale.ROOT, "| broker throughput, 1 JVM (msgs/s, median of %d) | %,.0f | %,.0f | %.3f× |",
                without.length, w, c, c / w),
            String.format(Locale.ROOT, "| node CPU, market only (cores) | %.4f | %.4f | +%.4f |", cpuIdle, cpuWithClients,
                cpuWithClients - cpuIdle),
            String.format(Locale.ROOT, "| node CPU per page (ms of CPU per second) | – | %.3f | – |",
                (cpuWithClients - cpuIdle) * 1000 / clients),
            String.format(Locale.ROOT, "| updates received by all pages (during the session) | – | %,d (%,d bytes) | – |",
                received.getLong("updates"), received.getLong("bytes"))));
    BrokerBench.await(node.stop());
    System.exit(0);
  }

  private static double[] rounds(BrokerBench.Driver driver, JsonObject payload, int n) {
    double[] r = new double[5];
    for (int i = 0; i < r.length; i++) {
      r[i] = BrokerBench.await(driver.throughput(true, payload, n));
    }
    return r;
  }

  /** @return this process's CPU time per wall second over {@code d}, in cores */
  private static double cpuPerSecond(Duration d) throws InterruptedException {
    long cpu0 = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    long t0 = System.nanoTime();
    Thread.sleep(d.toMillis());
    long cpu1 = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    return (cpu1 - cpu0) / (double) (System.nanoTime() - t0);
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  private static int freePort() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
