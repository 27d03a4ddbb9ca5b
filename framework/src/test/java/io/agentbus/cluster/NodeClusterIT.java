package io.agentbus.cluster;

import io.agentbus.testing.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** Node info is readable from every node of a real Hazelcast cluster; membership changes are observable. */
class NodeClusterIT {

  private static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(3, "node_it");
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void everyNodeReadsEveryNodesInfoAndSeesOneLeave() {
    for (Node n : cluster.nodes()) {
      List<NodeInfo> members = await(n.members());
      assertThat(members).extracting(NodeInfo::name).containsExactlyInAnyOrder("node-0", "node-1", "node-2");
      assertThat(members).allSatisfy(i -> {
        assertThat(i.cores()).isPositive();
        assertThat(i.maxMemoryBytes()).isPositive();
        assertThat(i.host()).isEqualTo("127.0.0.1");
      });
      assertThat(n.isClustered()).isTrue();
    }
    List<MembershipEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    cluster.node(0).onMembershipChange(seen::add);
    String leaving = cluster.node(2).id();
    await(cluster.stop(2));
    until("node-2 to leave", Duration.ofSeconds(30), () -> seen.contains(new MembershipEvent(MembershipEvent.Type.LEFT, leaving)));
    until("node-0's view to shrink", Duration.ofSeconds(10), () -> cluster.node(0).knownMembers().size() == 2);
    assertThat(await(cluster.node(1).members())).extracting(NodeInfo::id).doesNotContain(leaving);
  }
}
