package io.agentbus.faults;

import io.agentbus.testing.FreePorts;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attack of issue 8 from another host: two fat-jar nodes with a cluster secret on two network
 * namespaces, and on a third, linked to them only by the cluster network, an outsider who knows the
 * cluster's name and a member's address (all that open-source Hazelcast asks). It runs our own
 * node without the secret (refused at start, saying why), then a plain Hazelcast member and a
 * plain Hazelcast client that read every agentbus map and forge entries. The cluster must stay one
 * healthy cluster of two that keeps trading, report the outsiders (the member with its address),
 * never trust the member, and refuse the forgeries; the outsiders must read nothing in clear. (Where namespaces cannot be made, the hosts are loopback processes;
 * the output says which ran.)
 */
class OutsiderOnTheNetworkIT {

  private static final String NS = "outsider";

  @Test
  void anOutsiderOnAnotherHostJoinsHazelcastButIsNeverTrustedReadsNothingInClearAndItsForgeriesAreRefused() throws Exception {
    try (Hosts hosts = Hosts.create(3); FaultCluster cluster = new FaultCluster(hosts, 2, NS, "tcp").start()) {
      awaitOneCluster(cluster, 120_000, "the cluster of two to form");
      FaultNode h1 = cluster.node(0);
      FaultNode h2 = cluster.node(1);

      // 1. our own release, run on the third host without the secret: refused at start, saying why
      List<Integer> ports = FreePorts.pick(3);
      int foreignPort = hosts.namespaces() ? 5701 : ports.get(0);
      int foreignHttp = hosts.namespaces() ? 8080 : ports.get(1);
      FaultNode foreign = new FaultNode(NS + "-foreign", hosts.exec(2), hosts.management(2), foreignHttp, "",
          List.of("--cluster", "--namespace", NS, "--cluster-host", hosts.address(2), "--cluster-port", String.valueOf(foreignPort),
              "--cluster-port-auto-increment", "false", "--members", String.join(",", cluster.members()),
              "--http-host", hosts.management(2), "--http-port", String.valueOf(foreignHttp), "--node-name", "intruder",
              "--verticles", "market,probe"));
      foreign.start();
      until(90_000, "our node without the secret to stop", () -> !foreign.alive());
      assertThat(foreign.logTail()).contains("did not start").contains("secured with a cluster secret")
          .contains("--cluster-secret-file");

      // 2. a plain Hazelcast member on the third host: Hazelcast admits it and migrates partitions
      // of our maps to it; it reads them and forges node infos
      int memberPort = hosts.namespaces() ? 5701 : ports.get(2);
      String memberAddress = hosts.address(2) + ":" + memberPort;
      long tamperedBefore = tampered(h1) + tampered(h2);
      Process member = outsider(hosts, "member", cluster.members(), 40, hosts.address(2), memberPort);
      try {
        JsonObject read = firstLine(member, "member");
        assertThat(read.getInteger("members")).as("Hazelcast admits it").isEqualTo(3);
        assertSealed(read);
        until(30_000, "the member reported as an intruder, with its address, on both nodes" + cluster.logs(),
            () -> intruders(h1).contains("at " + memberAddress) && intruders(h2).contains("at " + memberAddress));
        assertThat(FaultCluster.check(FaultCluster.health(h1), "cluster").getJsonObject("data").getBoolean("degraded")).isTrue();
        assertThat(h1.status("/health")).as("degraded, not down: an outsider cannot get our pods restarted").isEqualTo(200);
        until(20_000, "the forged node infos refused and counted", () -> tampered(h1) + tampered(h2) > tamperedBefore);
        // while it is there: one cluster of two (it is in neither node's members), one driver among
        // them, every market agent on exactly one of them, and the market trading
        long stepBefore = step(cluster);
        long watchUntil = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < watchUntil) {
          assertThat(cluster.problems(cluster.nodes())).as("the cluster with a foreign member" + cluster.logs()).isNull();
          Thread.sleep(500);
        }
        assertThat(step(cluster)).as("market steps while the foreign member holds partitions").isGreaterThan(stepBefore + 10);
        for (FaultNode n : cluster.nodes()) {
          assertThat(n.get("/api/nodes").encode()).doesNotContain("forged-node").doesNotContain("copied-node")
              .doesNotContain("evil");
        }
      } finally {
        member.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      awaitOneCluster(cluster, 30_000, "the cluster once the member was killed");

      // 3. a plain Hazelcast client on the third host
      Process client = outsider(hosts, "client", cluster.members(), 20, null, 0);
      try {
        JsonObject read = firstLine(client, "client");
        assertThat(read.getInteger("members")).isEqualTo(2);
        assertSealed(read);
        until(20_000, "the client reported as an intruder",
            () -> intruders(h1).contains("Hazelcast client") || intruders(h2).contains("Hazelcast client"));
        assertThat(cluster.problems(cluster.nodes())).as("the cluster after the client's forgeries" + cluster.logs()).isNull();
      } finally {
        client.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }

      // the outsiders gone: one cluster of two, as before
      awaitOneCluster(cluster, 30_000, "the cluster once the outsiders left");
      until(30_000, "no intruder reported", () -> intruders(h1).equals("[]") && intruders(h2).equals("[]"));
    }
  }

  /** Every agentbus value the outsider read was sealed, and it read some. */
  private static void assertSealed(JsonObject read) {
    List<JsonObject> maps = new ArrayList<>();
    read.getJsonArray("maps").forEach(m -> maps.add((JsonObject) m));
    assertThat(maps).as("agentbus maps it found").isNotEmpty();
    assertThat(maps.stream().mapToInt(m -> m.getInteger("read")).sum()).as("values it read").isPositive();
    for (JsonObject m : maps) {
      assertThat(m.getInteger("clear")).as("values of %s not sealed: %s", m.getString("name"), m.getString("clearSample"))
          .isZero();
      assertThat(m.getString("unreadable")).as("map %s", m.getString("name")).isNull();
    }
  }

  private static Process outsider(Hosts hosts, String mode, List<String> members, int staySeconds, String bind, int port)
      throws Exception {
    List<String> cmd = new ArrayList<>(hosts.exec(2));
    cmd.addAll(List.of(new File(System.getProperty("java.home"), "bin/java").getPath(), "-Xmx128m", "-cp",
        new File(System.getProperty("agentbus.nodeJar", "target/agentbus-node.jar")).getAbsolutePath()
            + File.pathSeparator + new File("target/test-classes").getAbsolutePath(),
        Outsider.class.getName(), mode, "agentbus-" + NS, String.join(",", members), NS, String.valueOf(staySeconds)));
    if (bind != null) {
      cmd.addAll(List.of(bind, String.valueOf(port)));
    }
    return new ProcessBuilder(cmd).redirectError(new File("target/faults-" + NS + "-" + mode + ".log")).start();
  }

  private static JsonObject firstLine(Process p, String mode) throws Exception {
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          if (l.startsWith("{")) {
            return l;
          }
        }
        return null;
      } catch (Exception e) {
        return null;
      }
    });
    String l = line.get(90, TimeUnit.SECONDS);
    assertThat(l).as("the outsider's report (its log: target/faults-" + NS + "-" + mode + ".log)").isNotNull();
    return new JsonObject(l);
  }

  private static String intruders(FaultNode n) {
    JsonObject data = FaultCluster.check(FaultCluster.health(n), "cluster").getJsonObject("data");
    return data == null ? "" : String.valueOf(data.getJsonArray("intruders"));
  }

  private static long tampered(FaultNode n) {
    JsonObject data = FaultCluster.check(FaultCluster.health(n), "cluster").getJsonObject("data");
    return data == null ? 0 : data.getLong("tamperedEntries", 0L);
  }

  /** @return the latest market step the driver reports, -1 when none does */
  private static long step(FaultCluster cluster) {
    FaultNode driver = cluster.driver();
    JsonObject market = driver == null ? null : driver.get("/api/market");
    return market == null ? -1 : market.getLong("step", -1L);
  }

  private static void awaitOneCluster(FaultCluster cluster, long timeoutMillis, String what) throws InterruptedException {
    long t0 = System.currentTimeMillis();
    String problems = null;
    while (System.currentTimeMillis() - t0 < timeoutMillis) {
      problems = cluster.problems(cluster.nodes());
      if (problems == null) {
        return;
      }
      Thread.sleep(200);
    }
    assertThat(problems).as("waiting %d ms for %s%s", timeoutMillis, what, cluster.logs()).isNull();
  }

  private static void until(long timeoutMillis, String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what);
      }
      Thread.sleep(250);
    }
  }
}
