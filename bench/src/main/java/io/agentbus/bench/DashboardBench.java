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
 * Usage: {@code DashboardBench [clients] [messages] [updateIntervalMs]} (default 50, 1,000,000, 100: 10 Hz).
 */
public final class DashboardBench {

  private DashboardBench() {
  }

  public static void main(String[] args) throws Exception {
    try {
      run(args);
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);  // the nodes' threads would keep the JVM alive
    }
  }

  private static void run(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int port = freePort();
    int intervalMs = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    NodeMain.Running node = BrokerBench.await(NodeMain.start(NodeConfig.load(new String[] {"--http-port",
        String.valueOf(port), "--dashboard-interval-ms", String.valueOf(intervalMs)}, Map.of())));
    Vertx vertx = node.node().vertx();
    BrokerBench.await(vertx.deployVerticle(new BenchPeer()));
    BrokerBench.Driver driver = new BrokerBench.Driver();
    BrokerBench.await(vertx.deployVerticle(driver));
    JsonObject payload = Payloads.ofSize(64);

    // warm-up
    for (int i = 0; i < 3; i++) {
      BrokerBench.await(driver.throughput(true, payload, n));
    }
    Process browsers = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), DashboardClients.class.getName(), String.valueOf(port), String.valueOf(clients))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(browsers.getInputStream(), StandardCharsets.UTF_8));
    java.io.PrintStream control = new java.io.PrintStream(browsers.getOutputStream(), true, StandardCharsets.UTF_8);
    double cpuIdle = cpuPerSecond(Duration.ofSeconds(20));
    clients(control, out, "open", "CONNECTED");
    Thread.sleep(3_000);
    long clientsCpu0 = browsers.toHandle().info().totalCpuDuration().orElseThrow().toNanos();
    long clientsT0 = System.nanoTime();
    double cpuWithClients = cpuPerSecond(Duration.ofSeconds(20));
    double clientsCpu = (browsers.toHandle().info().totalCpuDuration().orElseThrow().toNanos() - clientsCpu0)
        / (double) (System.nanoTime() - clientsT0);
    // throughput rounds alternate without and with the pages (ABBA...), so that the JIT's warming
    // and the machine's drift fall on both sides alike
    clients(control, out, "close", "CLOSED");
    double[] without = new double[ROUNDS];
    double[] with = new double[ROUNDS];
    boolean pagesOpen = false;
    for (int i = 0; i < 2 * ROUNDS; i++) {
      boolean wantOpen = (i % 4 == 1 || i % 4 == 2);
      if (wantOpen != pagesOpen) {
        clients(control, out, wantOpen ? "open" : "close", wantOpen ? "CONNECTED" : "CLOSED");
        pagesOpen = wantOpen;
        Thread.sleep(2_000);  // the pages' first snapshots are not what a page costs while it stays open
      }
      double r = BrokerBench.await(driver.throughput(true, payload, n));
      if (wantOpen) {
        with[i / 2] = r;
      } else {
        without[i / 2] = r;
      }
    }
    control.close();
    JsonObject received = new JsonObject(out.readLine());
    browsers.waitFor();

    double w = median(without);
    double c = median(with);
    BenchTable.print(String.format(Locale.ROOT, "Dashboard benchmark: %d WebSocket clients updated every %d ms, 64 B broker broadcasts",
        clients, intervalMs),
        "| measure | no page open | " + clients + " pages open | ratio |", "|---|---:|---:|---:|", List.of(
            String.format(Locale.ROOT, "| broker throughput, 1 JVM (msgs/s, median of %d, alternating) | %,.0f | %,.0f | %.3f× |",
                without.length, w, c, c / w),
            String.format(Locale.ROOT, "| node CPU, market only (cores) | %.4f | %.4f | +%.4f |", cpuIdle, cpuWithClients,
                cpuWithClients - cpuIdle),
            String.format(Locale.ROOT, "| node CPU per page (ms of CPU per second) | – | %.3f | – |",
                (cpuWithClients - cpuIdle) * 1000 / clients),
            String.format(Locale.ROOT, "| the clients' JVM, reading the %d pages' updates (cores) | – | %.4f | – |", clients, clientsCpu),
            String.format(Locale.ROOT, "| updates received by all pages (during the session) | – | %,d (%,d bytes) | – |",
                received.getLong("updates"), received.getLong("bytes"))));
    double[] pairs = new double[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      pairs[i] = with[i] / without[i];  // neighbours in time: the drift between them is small
    }
    System.out.printf(Locale.ROOT, "ratio of neighbouring rounds (with / without), median: %.3f%n", median(pairs));
    System.out.println("rounds without pages: " + Arrays.toString(Arrays.stream(without).mapToLong(Math::round).toArray())
        + "; with: " + Arrays.toString(Arrays.stream(with).mapToLong(Math::round).toArray()));
    BrokerBench.await(node.stop());

    List<String> rows = new java.util.ArrayList<>();
    for (int microgrids : new int[] {3, 1000}) {
      rows.add(summaryCost(microgrids));
    }
    BenchTable.print("Cluster summaries: 2 clustered nodes (one JVM), each writing its summary once a second",
        "| microgrids | agents per node | summary (bytes, mean) | build (ms, mean) | write until held (ms, mean) "
            + "| cost per node per second (ms of event loop) | bytes per node per second |",
        "|---:|---:|---:|---:|---:|---:|---:|", rows);
    System.exit(0);
  }

  /**
   * Two clustered nodes with the market over {@code microgrids}: what each node's summary costs —
   * building it (on the event loop, from the node's own timer), writing it to the cluster map, its
   * size — measured over 20 s after the agents have spread.
   */
  private static String summaryCost(int microgrids) throws Exception {
    List<Integer> p = io.agentbus.testing.FreePorts.pick(4);
    String members = "127.0.0.1:" + p.get(2) + ",127.0.0.1:" + p.get(3);
    List<NodeMain.Running> nodes = new java.util.ArrayList<>();
    for (int i = 0; i < 2; i++) {
      nodes.add(BrokerBench.await(NodeMain.start(NodeConfig.load(new String[] {"--cluster", "--cluster-host", "127.0.0.1",
          "--members", members, "--cluster-port", String.valueOf(p.get(2 + i)), "--cluster-port-auto-increment", "false",
          "--namespace", "bench-summaries-" + microgrids, "--http-port", String.valueOf(p.get(i)), "--node-name", "n" + i,
          "--microgrids", String.valueOf(microgrids)}, Map.of()))));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (nodes.stream().anyMatch(r -> r.node().knownMembers().size() < 2)
        || nodes.stream().mapToInt(r -> r.runtime().localAgents().size()).sum() < microgrids) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the market's agents did not start on the two nodes");
      }
      Thread.sleep(500);
    }
    Thread.sleep(5_000);
    double[][] before = {summaryMeters(p.get(0)), summaryMeters(p.get(1))};
    long t0 = System.nanoTime();
    Thread.sleep(20_000);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double[][] after = {summaryMeters(p.get(0)), summaryMeters(p.get(1))};
    List<JsonObject> summaries = BrokerBench.await(io.agentbus.cluster.SharedMaps.<String, JsonObject>get(nodes.get(0).node().vertx(),
        "agentbus.cluster.summaries").compose(io.vertx.core.shareddata.AsyncMap::values));
    double bytes = summaries.stream().mapToInt(j -> j.toBuffer().length()).average().orElse(0);
    double agents = nodes.stream().mapToInt(r -> r.runtime().localAgents().size()).average().orElse(0);
    double builds = 0;
    double buildSeconds = 0;
    double writes = 0;
    double writeSeconds = 0;
    for (int i = 0; i < 2; i++) {
      builds += after[i][0] - before[i][0];
      buildSeconds += after[i][1] - before[i][1];
      writes += after[i][2] - before[i][2];
      writeSeconds += after[i][3] - before[i][3];
    }
    for (NodeMain.Running r : nodes) {
      BrokerBench.await(r.stop());
    }
    return String.format(Locale.ROOT, "| %,d | %,.0f | %,.0f | %.3f | %.2f | %.3f | %,.0f |", microgrids, agents, bytes,
        buildSeconds * 1000 / builds, writeSeconds * 1000 / writes, buildSeconds * 1000 / 2 / seconds, bytes * builds / 2 / seconds);
  }

  /** @return the summary timers of the node at that HTTP port: build count, build seconds, write count, write seconds */
  private static double[] summaryMeters(int port) throws Exception {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    double[] v = new double[4];
    for (String line : r.body().split("\n")) {
      String[] names = {"agentbus_cluster_summary_build_seconds_count", "agentbus_cluster_summary_build_seconds_sum",
          "agentbus_cluster_summary_write_seconds_count", "agentbus_cluster_summary_write_seconds_sum"};
      for (int i = 0; i < names.length; i++) {
        if (line.startsWith(names[i] + " ") || line.startsWith(names[i] + "{")) {
          v[i] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return v;
  }

  private static final int ROUNDS = 8;

  /** Sends a command to the clients' JVM and waits for its answer. */
  private static void clients(java.io.PrintStream control, BufferedReader out, String command, String answer) throws Exception {
    control.println(command);
    String line = out.readLine();
    if (line == null || !line.startsWith(answer)) {
      throw new IllegalStateException("the clients did not answer '" + command + "': " + line);
    }
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
