package io.agentbus.faults;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three fat-jar nodes on three hosts (network namespaces; loopback processes where those cannot be
 * made) under the faults real networks bring, each three times: afterwards every node lists the
 * same members, each agent is active on exactly one node, exactly one node drives the market, and
 * /health is UP everywhere within 15 s of the heal.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {

  private static final int TRIALS = 3;
  private static final long HEAL_MILLIS = 15_000;
  private static Hosts hosts;
  private static FaultCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    hosts = Hosts.create(3);
    cluster = new FaultCluster(hosts, "faults", "tcp").start();
    awaitOneCluster(cluster.nodes(), 120_000, "the cluster to form");
  }

  /**
   * After each fault, the delivery contract (README, "Delivery contract") holds for the probe's
   * streams between every pair of nodes: nothing delivered twice, nothing out of order within a
   * stream, and no RPC left waiting beyond its timeout. Losses and errors are counted and printed.
   */
  @org.junit.jupiter.api.AfterEach
  void deliveryContractHeld(org.junit.jupiter.api.TestInfo test) {
    FaultCluster.Delivery d = cluster.delivery();
    System.out.printf("[faults] delivery after %s: %s%n", test.getDisplayName(), d);
    assertThat(d.sent).as("the probe ran").isPositive();
    assertThat(d.duplicates).as("messages delivered twice").isZero();
    assertThat(d.reordered).as("messages delivered out of order within a stream").isZero();
    assertThat(d.oldestPendingMs).as("an RPC waiting beyond its timeout")
        .isLessThanOrEqualTo(io.agentbus.probe.DeliveryProbe.SEND_TIMEOUT_MS + 2_000);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (hosts != null) {
      hosts.close();
    }
  }

  @Test
  @Order(1)
  void aPausedNodeComesBackIntoOneCluster() throws Exception {
    FaultNode previous = null;
    for (int trial = 1; trial <= TRIALS; trial++) {
      // the driver on the second trial; otherwise a non-driver, never the node just paused (see
      // settle below)
      FaultNode last = previous;
      FaultNode victim = trial == 2 ? cluster.driver() : cluster.nodes().stream()
          .filter(n -> n != cluster.driver() && n != last && n.alive()).findFirst().orElse(nonDriver());
      previous = victim;
      List<FaultNode> others = othersThan(victim);
      victim.pause();
      try {
        // while it is frozen, never two drivers (Hazelcast may briefly split the two others as well
        // when the frozen one was the master; then neither has a quorum and neither drives)
        long until = System.currentTimeMillis() + (FaultCluster.FAILURE_DETECTION_SECONDS + 8) * 1000L;
        while (System.currentTimeMillis() < until) {
          assertThat(others.stream().filter(FaultCluster::leading).count()).as("drivers while " + victim.name()
              + " is paused").isLessThanOrEqualTo(1);
          Thread.sleep(200);
        }
      } finally {
        victim.resume();
      }
      long healed = awaitOneCluster(cluster.nodes(), HEAL_MILLIS, "one cluster again after SIGCONT of " + victim.name()
          + " (trial " + trial + ")");
      System.out.printf("[faults] pause of %s (trial %d): one cluster %d ms after SIGCONT%n", victim.name(), trial, healed);
      settle();
    }
  }

  /**
   * Lets a healed cluster settle before the next fault: a node frozen again within a second or two
   * of merging back, while Vert.x still republishes its event-bus registrations, can leave the
   * cluster re-formed around it with some of its registrations lost (see the README's status).
   */
  private static void settle() throws InterruptedException {
    Thread.sleep(3_000);
    awaitOneCluster(cluster.nodes(), HEAL_MILLIS, "the cluster to stay one");
  }

  @Test
  @Order(2)
  void killingANonDriverStallsTheMarketAtMostOneStepBeyondFailureDetection() throws Exception {
    for (int trial = 1; trial <= TRIALS; trial++) {
      FaultNode victim = nonDriver();
      try (StepWatch watch = new StepWatch(cluster.nodes())) {
        watch.firstStepAfter(System.currentTimeMillis(), 10_000);
        long killed = System.currentTimeMillis();
        victim.kill9();
        long resumed = watch.firstStepAfter(killed, 30_000);
        long stall = resumed - watch.lastStepBefore(killed);
        long target = FaultCluster.FAILURE_DETECTION_SECONDS * 1000L + FaultCluster.STEP_INTERVAL_MS;
        System.out.printf("[faults] kill -9 of non-driver %s (trial %d): market stalled %d ms (target <= %d ms: failure "
            + "detection %d s + one step interval)%n", victim.name(), trial, stall, target, FaultCluster.FAILURE_DETECTION_SECONDS);
        assertThat(stall).as("stall after kill -9 of a non-driver" + cluster.logs()).isLessThanOrEqualTo(target);
      }
      awaitOneCluster(othersThan(victim), HEAL_MILLIS, "the survivors of kill -9 of " + victim.name());
      victim.start(); // restarted at the same address and port
      long rejoined = awaitOneCluster(cluster.nodes(), 60_000, victim.name() + " restarted at the same address");
      System.out.printf("[faults] %s restarted at the same address: one cluster of 3 after %d ms%n", victim.name(), rejoined);
    }
  }

  @Test
  @Order(3)
  void killingTheDriverGetsANewDriverWithinFailureDetectionPlusOneSecond() throws Exception {
    for (int trial = 1; trial <= TRIALS; trial++) {
      FaultNode victim = cluster.driver();
      assertThat(victim).as("a driver").isNotNull();
      try (StepWatch watch = new StepWatch(othersThan(victim))) {
        long killed = System.currentTimeMillis();
        victim.kill9();
        long stepped = watch.firstStepAfter(killed, 30_000);
        long took = stepped - killed;
        long target = FaultCluster.FAILURE_DETECTION_SECONDS * 1000L + 1000;
        System.out.printf("[faults] kill -9 of driver %s (trial %d): a new driver stepped after %d ms (target <= %d ms)%n",
            victim.name(), trial, took, target);
        assertThat(took).as("new driver after kill -9 of the driver" + cluster.logs()).isLessThanOrEqualTo(target);
      }
      awaitOneCluster(othersThan(victim), HEAL_MILLIS, "the survivors of kill -9 of driver " + victim.name());
      victim.start();
      awaitOneCluster(cluster.nodes(), 60_000, victim.name() + " restarted at the same address");
    }
  }

  @Test
  @Order(4)
  void aPartitionedNodeStopsDrivingAndComesBackIntoOneCluster() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(hosts.namespaces(), "partitions need network namespaces");
    for (int trial = 1; trial <= TRIALS; trial++) {
      // the first trial cuts off the driver: the minority must stop driving, the majority take over
      FaultNode victim = trial == 1 ? cluster.driver() : nonDriver();
      int index = cluster.nodes().indexOf(victim);
      List<FaultNode> majority = othersThan(victim);
      long cut = System.currentTimeMillis();
      hosts.partition(index);
      try {
        awaitOneCluster(majority, (FaultCluster.FAILURE_DETECTION_SECONDS + 10) * 1000L,
            "the majority to continue without the cut-off " + victim.name());
        // within one failure-detection period the cut-off node stops driving (its lease cannot be
        // renewed and lapses); once Hazelcast has removed the others from its member list (it
        // suspects them after failure detection, and a cut-off non-master then needs a mastership
        // claim: seen up to ~10 s after the cut) it knows it is one of three and stops saying UP
        long lapsed = cut + (FaultCluster.FAILURE_DETECTION_SECONDS + 1) * 1000L;
        while (System.currentTimeMillis() < lapsed) {
          Thread.sleep(100);
        }
        assertThat(FaultCluster.leading(victim)).as("the cut-off %s drives the market", victim.name()).isFalse();
        long deadline = System.currentTimeMillis() + 10_000;
        while (victim.status("/health") != 503 && System.currentTimeMillis() < deadline) {
          Thread.sleep(100);
        }
        for (int i = 0; i < 10; i++) {
          assertThat(FaultCluster.leading(victim)).as("the cut-off %s drives the market", victim.name()).isFalse();
          assertThat(victim.status("/health")).as("/health of the cut-off %s", victim.name()).isEqualTo(503);
          Thread.sleep(200);
        }
      } finally {
        hosts.heal(index);
      }
      long healed = awaitOneCluster(cluster.nodes(), HEAL_MILLIS, "one cluster again after the partition of "
          + victim.name() + " healed (trial " + trial + ")");
      System.out.printf("[faults] partition of %s (trial %d): one cluster %d ms after the heal%n", victim.name(), trial, healed);
      settle();
    }
  }

  private static FaultNode nonDriver() {
    FaultNode driver = cluster.driver();
    return cluster.nodes().stream().filter(n -> n != driver && n.alive()).findFirst().orElseThrow();
  }

  private static List<FaultNode> othersThan(FaultNode victim) {
    List<FaultNode> others = new ArrayList<>(cluster.nodes());
    others.remove(victim);
    return others;
  }

  /** Waits until {@code up} is one healthy cluster; returns how long that took, or fails with what is wrong. */
  private static long awaitOneCluster(List<FaultNode> up, long timeoutMillis, String what) throws InterruptedException {
    long t0 = System.currentTimeMillis();
    String problems = null;
    while (System.currentTimeMillis() - t0 < timeoutMillis) {
      problems = cluster.problems(up);
      if (problems == null) {
        return System.currentTimeMillis() - t0;
      }
      Thread.sleep(200);
    }
    assertThat(problems).as("waiting %d ms for %s%s", timeoutMillis, what, cluster.logs()).isNull();
    return -1;
  }
}
