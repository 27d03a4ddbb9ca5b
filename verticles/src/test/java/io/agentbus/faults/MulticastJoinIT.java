package io.agentbus.faults;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Three fat-jar nodes on three hosts (network namespaces on one bridge) find each other by multicast alone. */
class MulticastJoinIT {

  @Test
  void threeHostsJoinByMulticastAndRunOneMarket() throws Exception {
    try (Hosts hosts = Hosts.create(3)) {
      Assumptions.assumeTrue(hosts.namespaces(), "multicast between hosts needs network namespaces");
      try (FaultCluster cluster = new FaultCluster(hosts, "mcast", "multicast").start()) {
        long t0 = System.currentTimeMillis();
        String problems = null;
        while (System.currentTimeMillis() - t0 < 90_000) {
          problems = cluster.problems(cluster.nodes());
          if (problems == null) {
            break;
          }
          Thread.sleep(250);
        }
        assertThat(problems).as("one cluster by multicast" + cluster.logs()).isNull();
        System.out.printf("[faults] 3 hosts joined by multicast: one cluster after %d ms%n", System.currentTimeMillis() - t0);
        assertThat(cluster.node(0).logTail()).doesNotContain("tcp/ip");
      }
    }
  }
}
