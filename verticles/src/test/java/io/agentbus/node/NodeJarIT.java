package io.agentbus.node;

import io.agentbus.testing.FreePorts;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** The fat jar as a user runs it: {@code java -jar agentbus-node.jar}. */
class NodeJarIT {

  private static final File JAR = new File("target/agentbus-node.jar");
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Process start(String name, List<String> args) throws Exception {
    return start(name, args, java.util.Map.of());
  }

  private Process start(String name, List<String> args, java.util.Map<String, String> env) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(new File(System.getProperty("java.home"), "bin/java").getPath(),
        "-Xmx256m", "-jar", JAR.getAbsolutePath()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new File("target/" + name + ".log"));
    pb.environment().putAll(env);
    return pb.start();
  }

  private String get(int port, String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body();
    } catch (Exception e) {
      return "000 " + e;
    }
  }

  @Test
  void anEmbeddedNodeRunsTheMarketAndServesHealthAndMetrics() throws Exception {
    List<Integer> ports = FreePorts.pick(2);
    int port = ports.get(0);
    int grpc = ports.get(1);
    Process p = start("embedded-node", List.of("--http-port", String.valueOf(port), "--step-interval-ms", "200",
        "--verticles", "market,bridge", "--grpc-port", String.valueOf(grpc)));
    try {
      withLogs(List.of("embedded-node"), () -> {
        until("the market to step", Duration.ofSeconds(60), () -> get(port, "/api/market").startsWith("200"));
        assertThat(get(port, "/health")).startsWith("200").contains("\"status\" : \"UP\"").contains("\"market\"");
        String metrics = get(port, "/metrics");
        assertThat(metrics).startsWith("200").contains("agentbus_agent_messages_total").contains("agentbus_messages_published_total")
            .contains("vertx_");
        assertThat(get(port, "/api/market")).contains("\"trades\"").contains("\"results\"");
        assertThat(get(port, "/api/bridge")).startsWith("200").contains("\"workers\":[]").contains("\"port\":" + grpc);
        assertThat(get(port, "/api/agents")).startsWith("200").contains("system_operator/market");
        String log = Files.readString(new File("target/embedded-node.log").toPath());
        assertThat(log).contains("/health").contains("/metrics").contains("embedded single node")
            .contains("host_address=\"localhost:" + grpc + "\"");
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", grpc)) {
          assertThat(s.isConnected()).as("the AutoGen bridge listens").isTrue();
        }
        // the dashboard in a real browser: the page connects its WebSocket and renders live data
        try (Browser browser = Browser.start()) {
          browser.open("http://127.0.0.1:" + port + "/");
          String dom = browser.domWhen("the dashboard live with a market step", Duration.ofSeconds(30),
              d -> d.contains("id=\"status\" class=\"status live\">live<") && d.matches("(?s).*id=\"market-step\">\\d+<.*"));
          assertThat(dom).contains("id=\"nodes-count\" class=\"badge\">1<").contains("mg1");
        }
        until("a logged step", Duration.ofSeconds(10),
            () -> read("target/embedded-node.log").contains("INFO MarketVerticle - step"));
        p.destroy();  // SIGTERM
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(read("target/embedded-node.log")).contains("agentbus: stopped");
      });
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void versionPrintsTheBuildsVersionAndExits() throws Exception {
    Process p = start("version", List.of("--version"));
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(read("target/version.log").trim()).startsWith("agentbus 0.1.0-SNAPSHOT (Java ").contains("Vert.x 5.0.7")
        .contains("Hazelcast 5.3.8");
  }

  @Test
  void aBadValueFailsAtStartNamingTheKey() throws Exception {
    Process p = start("bad-node", List.of("--microgrids", "-3"));
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(read("target/bad-node.log")).contains("microgrids").contains("--microgrids");
  }

  @Test
  void takenPortsFailAtStartInOneLineNamingTheirFlags() throws Exception {
    List<Integer> ports = FreePorts.pick(2);
    try (java.net.ServerSocket hazelcast = new java.net.ServerSocket(ports.get(0), 50, java.net.InetAddress.getByName("127.0.0.1"));
         java.net.ServerSocket http = new java.net.ServerSocket(ports.get(1), 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      Process p = start("taken-cluster-port", List.of("--cluster", "--cluster-host", "127.0.0.1", "--cluster-port",
          String.valueOf(ports.get(0)), "--cluster-port-auto-increment", "false", "--http-port", "0"));
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(1);
      String log = read("target/taken-cluster-port.log");
      assertThat(log).contains("127.0.0.1:" + ports.get(0)).contains("--cluster-port").contains("in use")
          .doesNotContain("\tat ").doesNotContain("Exception");
      Process q = start("taken-http-port", List.of("--http-port", String.valueOf(ports.get(1))));
      assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(q.exitValue()).isEqualTo(1);
      assertThat(read("target/taken-http-port.log")).contains("127.0.0.1:" + ports.get(1)).contains("--http-port")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void anUnreachableBackendFailsAtStartWithStatus2NamingTheFlag() throws Exception {
    // nothing listens on the port; the local model loads first (its native library is in the jar), then Firestore is checked
    int closed = FreePorts.pick(1).get(0);
    Process p = start("no-firestore-node", List.of("--http-port", "0", "--verticles", "market,llm", "--llm-local",
        "--llm-store", "firestore", "--gcp-project", "agentbus-test"), java.util.Map.of("FIRESTORE_EMULATOR_HOST", "127.0.0.1:" + closed));
    try {
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(2);
      assertThat(read("target/no-firestore-node.log")).contains("local model smollm2-135m-instruct loaded")
          .contains("--llm-store firestore").contains("127.0.0.1:" + closed).contains("unreachable");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aSecondClusteredNodeJoinsAndTheMarketSpreads() throws Exception {
    String python = System.getenv("AGENTBUS_PYTHON");
    assertThat(python).as("AGENTBUS_PYTHON (a virtualenv with autogen-ext[grpc]: run scripts/test)").isNotBlank();
    List<Integer> ports = FreePorts.pick(5);
    String members = "127.0.0.1:" + ports.get(2) + ",127.0.0.1:" + ports.get(3);
    List<String> common = List.of("--cluster", "--cluster-host", "127.0.0.1", "--members", members, "--namespace", "jarit",
        "--cluster-port-auto-increment", "false", "--step-interval-ms", "200", "--microgrids", "40");
    List<String> a = new ArrayList<>(common);
    a.addAll(List.of("--http-port", String.valueOf(ports.get(0)), "--cluster-port", String.valueOf(ports.get(2)), "--node-name", "first"));
    List<String> b = new ArrayList<>(common);
    b.addAll(List.of("--http-port", String.valueOf(ports.get(1)), "--cluster-port", String.valueOf(ports.get(3)), "--node-name", "second",
        "--verticles", "market,bridge", "--grpc-port", String.valueOf(ports.get(4))));
    List<Process> nodes = new ArrayList<>();
    nodes.add(start("cluster-first", a));
    try {
      withLogs(List.of("cluster-first", "cluster-second"), () -> {
        until("the first node's market", Duration.ofSeconds(60), () -> get(ports.get(0), "/api/market").startsWith("200"));
        nodes.add(start("cluster-second", b));
        until("two members", Duration.ofSeconds(60), () -> get(ports.get(1), "/api/nodes").contains("\"second\"")
            && get(ports.get(1), "/api/nodes").contains("\"first\""));
        // an unmodified AutoGen worker on the second node's bridge, publishing 8 ticks a second
        Process ticker = new ProcessBuilder(python, new File("src/test/resources/python/ticker.py").getAbsolutePath(),
            "127.0.0.1:" + ports.get(4), "8").redirectErrorStream(true).redirectOutput(new File("target/ticker.log")).start();
        nodes.add(ticker);
        until("the worker on the bridge", Duration.ofSeconds(60), () -> read("target/ticker.log").contains("READY"));
        // with 40 microgrids the second node hosts some of them (all 40 on one node: probability 2^-39)
        until("microgrids on the second node", Duration.ofSeconds(30),
            () -> !get(ports.get(1), "/health").contains("\"localAgents\" : 0"));
        String beforeStep = get(ports.get(0), "/api/market");
        until("the market to keep stepping", Duration.ofSeconds(20), () -> !get(ports.get(0), "/api/market").equals(beforeStep)
            && get(ports.get(0), "/api/market").startsWith("200"));

        // the whole cluster from either node: both nodes, one leader (the first), the agents of both
        until("both summaries", Duration.ofSeconds(20), () -> cluster(ports.get(1)).getJsonArray("nodes").size() == 2
            && cluster(ports.get(0)).getJsonArray("nodes").size() == 2);
        io.vertx.core.json.JsonObject fromFirst = cluster(ports.get(0));
        io.vertx.core.json.JsonObject fromSecond = cluster(ports.get(1));
        assertThat(fromSecond.getString("leader")).isEqualTo(fromFirst.getString("leader")).isEqualTo(fromFirst.getString("self"));
        assertThat(fromSecond.getJsonArray("nodes").stream().map(n -> ((io.vertx.core.json.JsonObject) n).getString("name")))
            .containsExactly("first", "second");
        // the summaries are a second old at most: the agents of both nodes appear in either view, the same ones
        String firstId = fromFirst.getString("self");
        String secondId = fromSecond.getString("self");
        until("agents of both nodes in both views", Duration.ofSeconds(15), () -> {
          java.util.Set<String> viewA = agentsOf(cluster(ports.get(0)));
          java.util.Set<String> viewB = agentsOf(cluster(ports.get(1)));
          return viewA.equals(viewB) && viewA.stream().anyMatch(x -> x.endsWith("@" + firstId))
              && viewA.stream().anyMatch(x -> x.endsWith("@" + secondId));
        });
        // each agent comes with its traffic: the market's agents receive every step
        until("agents with their message counts", Duration.ofSeconds(15), () -> cluster(ports.get(1)).getJsonArray("agents")
            .stream().map(io.vertx.core.json.JsonObject.class::cast)
            .anyMatch(ag -> ag.getLong("messagesIn", 0L) > 0 && ag.getLong("lastActivityMillis", 0L) > 0));
        // the non-leading node answers the market too (the leader's latest step)
        String market = get(ports.get(1), "/api/market");
        assertThat(market).startsWith("200").contains("\"drivenBy\":\"" + fromFirst.getString("self") + "\"");
        // and its page shows the whole cluster and the market moving
        try (Browser browser = Browser.start()) {
          browser.open("http://127.0.0.1:" + ports.get(1) + "/");
          String dom = browser.domWhen("the second node's page with both nodes and a market step", Duration.ofSeconds(30),
              d -> d.contains("first ★") && d.contains("second (this node)") && d.matches("(?s).*id=\"market-step\">\\d+<.*"));
          // the agents of each node in the page's agent table (type, key, node)
          browser.domWhen("agents of both nodes in the page's table", Duration.ofSeconds(15),
              d -> d.matches("(?s).*id=\"cluster-agent-table\".*<td>microgrid</td><td>[^<]+</td><td>first</td>.*")
                  && d.matches("(?s).*id=\"cluster-agent-table\".*<td>microgrid</td><td>[^<]+</td><td>second</td>.*"));
          // the worker, on the second node, with its type
          browser.domWhen("the worker and its type", Duration.ofSeconds(15), d -> d.contains("id=\"cluster-workers\">1<")
              && d.matches("(?s).*id=\"cluster-worker-table\".*<td>second</td><td>ticker</td>.*"));
          // msgs/s as the page shows it, against the true rate: the node's own counters over the same 10 s
          double before = messagesCounted(ports.get(1));
          long t0 = System.nanoTime();
          io.agentbus.testing.Await.sleep(5_000);
          List<Double> shown = new ArrayList<>();
          for (int i = 0; i < 6; i++) {
            shown.add(Double.parseDouble(browser.text("msg-rate")));
            io.agentbus.testing.Await.sleep(1_000);
          }
          double trueRate = (messagesCounted(ports.get(1)) - before) / ((System.nanoTime() - t0) / 1e9);
          double meanShown = shown.stream().mapToDouble(Double::doubleValue).average().orElse(0);
          System.out.printf("msgs/s shown %s, true %.1f%n", shown, trueRate);
          assertThat(trueRate).as("messages a second on the second node, the worker's 8 among them").isGreaterThan(7.2);
          assertThat(meanShown).as("msgs/s on the page %s against the true %.1f", shown, trueRate)
              .isBetween(trueRate * 0.9, trueRate * 1.1);
          assertThat(shown).as("no sample far from the true rate (a per-tick rate alternates 2x and 0)")
              .allSatisfy(v -> assertThat(v).isBetween(trueRate * 0.75, trueRate * 1.25));
          // charts with axes and units, drawn from the history the first snapshot brought
          String charts = browser.domWhen("the charts", Duration.ofSeconds(15), d -> d.contains("price, USD/MWh")
              && d.matches("(?s).*id=\"price-line\" points=\"[0-9.]+,[0-9.]+( [0-9.]+,[0-9.]+){3,}\".*"));
          assertThat(charts).contains("P2P trades per step", "state of charge", "messages per second", "class=\"tick\"");
          // the message inspector: the market's results channel, a filter that matches nothing, then the
          // operator's messages, and one message's payload
          browser.run("document.getElementById('insp-env').value='market';document.getElementById('insp-kind').value='results';"
              + "document.getElementById('insp-agent').value='nobody';document.getElementById('insp-start').click();");
          browser.domWhen("inspecting with a filter that matches nothing", Duration.ofSeconds(15),
              d -> d.contains("inspecting the channels of market (kind results), agent nobody"));
          io.agentbus.testing.Await.sleep(2_000);
          assertThat(browser.domWhen("the inspector's table", Duration.ofSeconds(5), d -> true))
              .as("no message passes the filter").doesNotContain("<td>RESULT</td>");
          io.agentbus.testing.Await.sleep(400);
          browser.run("document.getElementById('insp-agent').value='system_operator';document.getElementById('insp-start').click();");
          browser.domWhen("the operator's results in the inspector", Duration.ofSeconds(15),
              d -> d.contains("agent system_operator") && d.contains("<td>RESULT</td><td>system_operator</td><td>results</td>"));
          browser.run("document.querySelector('#insp-table tbody tr').click();");
          browser.domWhen("a result's payload", Duration.ofSeconds(10), d -> d.matches("(?s).*id=\"insp-payload\"[^>]*>RESULT .*\"step\": ?\\d+.*"));
          browser.screenshot(new File("target/dashboard-second-node.png"));
          browser.run("document.getElementById('inspector').scrollIntoView();");
          browser.screenshot(new File("target/dashboard-inspector.png"));
        }

        // a graceful stop is logged by the survivor as a leave, not as a lost member
        nodes.get(1).destroy();
        assertThat(nodes.get(1).waitFor(60, TimeUnit.SECONDS)).isTrue();
        until("the first node logs the leave", Duration.ofSeconds(30),
            () -> read("target/cluster-first.log").contains("(second) left the cluster (it said so before it went)"));
        assertThat(read("target/cluster-first.log")).doesNotContain("is suspected to be dead").doesNotContain("is gone without saying so");
      });
    } finally {
      for (Process p : nodes) {
        p.destroy();
      }
      for (Process p : nodes) {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  /** @return the messages the node's meters have counted: broker publishes and runtime sends and publishes */
  private double messagesCounted(int port) {
    double sum = 0;
    for (String line : get(port, "/metrics").split("\n")) {
      if (line.startsWith("agentbus_messages_published_total{") || line.startsWith("agentbus_agent_messages_total{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static java.util.Set<String> agentsOf(io.vertx.core.json.JsonObject cluster) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    cluster.getJsonArray("agents", new io.vertx.core.json.JsonArray()).forEach(x -> {
      io.vertx.core.json.JsonObject a = (io.vertx.core.json.JsonObject) x;
      out.add(a.getString("type") + "/" + a.getString("key") + "@" + a.getString("node"));
    });
    return out;
  }

  private io.vertx.core.json.JsonObject cluster(int port) {
    String r = get(port, "/api/cluster");
    return r.startsWith("200 ") ? new io.vertx.core.json.JsonObject(r.substring(4))
        : new io.vertx.core.json.JsonObject().put("nodes", new io.vertx.core.json.JsonArray());
  }

  /** Runs the checks; when one fails, the failure carries the tails of the nodes' logs. */
  private static void withLogs(List<String> logs, ThrowingRunnable checks) throws Exception {
    try {
      checks.run();
    } catch (AssertionError e) {
      StringBuilder detail = new StringBuilder(e.getMessage());
      for (String name : logs) {
        String log = read("target/" + name + ".log");
        detail.append("\n--- tail of ").append(name).append(".log ---\n")
            .append(log.substring(Math.max(0, log.length() - 6_000)));
      }
      throw new AssertionError(detail.toString(), e);
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static String read(String file) {
    try {
      return Files.readString(new File(file).toPath());
    } catch (Exception e) {
      return "";
    }
  }
}
