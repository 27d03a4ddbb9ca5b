package io.agentbus.bench;

import io.agentbus.faults.FaultCluster;
import io.agentbus.faults.FaultNode;
import io.agentbus.faults.Hosts;
import io.agentbus.faults.StepWatch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Recovery times of three fat-jar nodes on three hosts (network namespaces, as in the fault
 * tests; loopback processes where namespaces cannot be made, then without partitions): kill -9 of
 * a non-driver and of the driver, a pause (SIGSTOP) and a partition of a non-driver, each repeated,
 * median and max. Run as root: {@code bench/run.sh RecoveryBench [trials]} (default 5).
 */
public final class RecoveryBench {

  private RecoveryBench() {
  }

  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    System.setProperty("agentbus.nodeJar", "../verticles/target/agentbus-node.jar");
    List<String> rows = new ArrayList<>();
    try (Hosts hosts = Hosts.create(3); FaultCluster cluster = new FaultCluster(hosts, "recovery", "tcp").start()) {
      await(cluster, cluster.nodes(), 120_000);
      List<Long> stall = new ArrayList<>();
      List<Long> rejoin = new ArrayList<>();
      for (int t = 0; t < trials; t++) {
        FaultNode victim = nonDriver(cluster);
        try (StepWatch watch = new StepWatch(cluster.nodes())) {
          watch.firstStepAfter(System.currentTimeMillis(), 10_000);
          long killed = System.currentTimeMillis();
          victim.kill9();
          stall.add(watch.firstStepAfter(killed, 30_000) - watch.lastStepBefore(killed));
        }
        await(cluster, others(cluster, victim), 30_000);
        long restarted = System.currentTimeMillis();
        victim.start();
        await(cluster, cluster.nodes(), 90_000);
        rejoin.add(System.currentTimeMillis() - restarted);
      }
      rows.add(row("kill -9 of a non-driver", "market stall (last step before → first step after)", stall));
      rows.add(row("restart of the killed node at its address", "start → one cluster of 3 (JVM start included)", rejoin));

      List<Long> newDriver = new ArrayList<>();
      for (int t = 0; t < trials; t++) {
        FaultNode victim = cluster.driver();
        try (StepWatch watch = new StepWatch(others(cluster, victim))) {
          long killed = System.currentTimeMillis();
          victim.kill9();
          newDriver.add(watch.firstStepAfter(killed, 30_000) - killed);
        }
        await(cluster, others(cluster, victim), 30_000);
        victim.start();
        await(cluster, cluster.nodes(), 90_000);
      }
      rows.add(row("kill -9 of the driver", "kill → first step of the new driver", newDriver));

      List<Long> pauseStall = new ArrayList<>();
      List<Long> pauseHeal = new ArrayList<>();
      for (int t = 0; t < trials; t++) {
        FaultNode victim = nonDriver(cluster);
        try (StepWatch watch = new StepWatch(others(cluster, victim))) {
          watch.firstStepAfter(System.currentTimeMillis(), 10_000);
          long paused = System.currentTimeMillis();
          victim.pause();
          pauseStall.add(watch.firstStepAfter(paused, 30_000) - watch.lastStepBefore(paused));
          Thread.sleep(Math.max(0, paused + (FaultCluster.FAILURE_DETECTION_SECONDS + 3) * 1000L - System.currentTimeMillis()));
        } finally {
          victim.resume();
        }
        long resumed = System.currentTimeMillis();
        await(cluster, cluster.nodes(), 60_000);
        pauseHeal.add(System.currentTimeMillis() - resumed);
      }
      rows.add(row("SIGSTOP of a non-driver", "market stall while it is frozen", pauseStall));
      rows.add(row("SIGCONT after " + (FaultCluster.FAILURE_DETECTION_SECONDS + 3) + " s", "SIGCONT → one cluster of 3 (merge)", pauseHeal));

      if (hosts.namespaces()) {
        List<Long> partitionHeal = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
          FaultNode victim = nonDriver(cluster);
          int index = cluster.nodes().indexOf(victim);
          hosts.partition(index);
          Thread.sleep((FaultCluster.FAILURE_DETECTION_SECONDS + 3) * 1000L);
          hosts.heal(index);
          long healed = System.currentTimeMillis();
          await(cluster, cluster.nodes(), 60_000);
          partitionHeal.add(System.currentTimeMillis() - healed);
        }
        rows.add(row("partition of a non-driver for " + (FaultCluster.FAILURE_DETECTION_SECONDS + 3) + " s",
            "heal → one cluster of 3 (merge)", partitionHeal));
      }
      BenchTable.print("Recovery benchmark, " + (hosts.namespaces() ? "3 network namespaces" : "3 processes on loopback (FALLBACK)")
          + ", Hazelcast failure detection " + FaultCluster.FAILURE_DETECTION_SECONDS + " s (heartbeat 1 s), merge checks every 5 s, "
          + "market step " + FaultCluster.STEP_INTERVAL_MS + " ms, " + trials + " trials",
          "| fault | measured | median ms | max ms |", "|---|---|---:|---:|", rows);
    }
  }

  private static String row(String fault, String measured, List<Long> ms) {
    List<Long> sorted = new ArrayList<>(ms);
    Collections.sort(sorted);
    long median = sorted.get(sorted.size() / 2);
    return String.format(Locale.ROOT, "| %s | %s | %,d | %,d |", fault, measured, median, sorted.get(sorted.size() - 1));
  }

  private static FaultNode nonDriver(FaultCluster cluster) {
    FaultNode driver = cluster.driver();
    return cluster.nodes().stream().filter(n -> n != driver && n.alive()).findFirst().orElseThrow();
  }

  private static List<FaultNode> others(FaultCluster cluster, FaultNode victim) {
    List<FaultNode> others = new ArrayList<>(cluster.nodes());
    others.remove(victim);
    return others;
  }

  private static void await(FaultCluster cluster, List<FaultNode> up, long timeoutMillis) throws InterruptedException {
    Supplier<String> problems = () -> cluster.problems(up);
    long deadline = System.currentTimeMillis() + timeoutMillis;
    String p = problems.get();
    while (p != null && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      p = problems.get();
    }
    if (p != null) {
      throw new IllegalStateException("no single healthy cluster after " + timeoutMillis + " ms: " + p + cluster.logs());
    }
  }
}
