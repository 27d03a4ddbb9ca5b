package io.agentbus.cluster;

import io.agentbus.testing.FreePorts;
import io.agentbus.testing.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** One fenced leader among three real Hazelcast nodes that expect three members. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeadershipIT {

  private static final String ROLE = "sweeper";
  private static final List<Node> nodes = new ArrayList<>();
  private static final List<Leadership> leaderships = new ArrayList<>();
  private static final java.util.Map<Leadership, Node> owners = new java.util.IdentityHashMap<>();

  @BeforeAll
  static void start() {
    List<Integer> ports = FreePorts.pick(3);
    List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.toList());
    for (int i = 0; i < 3; i++) {
      nodes.add(await(Node.start(LocalCluster.options("leadership-it", ports.get(i), members).setExpectedMembers(3))));
    }
    until("three members everywhere", Duration.ofSeconds(30), () -> nodes.stream().allMatch(n -> n.knownMembers().size() == 3));
    for (Node n : nodes) {
      Leadership l = await(Leadership.start(n, ROLE, 2_000));
      leaderships.add(l);
      owners.put(l, n);
    }
  }

  @AfterAll
  static void stop() {
    leaderships.forEach(l -> l.close());
    nodes.forEach(n -> {
      try {
        await(n.close());
      } catch (RuntimeException | AssertionError ignored) {
        // closed by a test
      }
    });
  }

  private static List<Leadership> leaders() {
    return leaderships.stream().filter(Leadership::isLeader).collect(Collectors.toList());
  }

  @Test
  @Order(1)
  void exactlyOneNodeLeadsWithAToken() {
    until("a leader", Duration.ofSeconds(10), () -> leaders().size() == 1);
    Leadership leader = leaders().get(0);
    assertThat(leader.token()).isPositive();
    until("every node naming the same holder", Duration.ofSeconds(5),
        () -> leaderships.stream().allMatch(l -> nodeOf(leader).id().equals(l.holder())));
    leaderships.stream().filter(l -> l != leader).forEach(l -> assertThat(l.token()).isZero());
  }

  @Test
  @Order(2)
  void aLeaderRefusedByAResourceThatSawANewerTokenRaisesItsOwnAboveIt() {
    Leadership leader = leaders().get(0);
    long seen = leader.token() + 40;  // what a fenced resource saw from a leader of another side, before a merge
    long raised = await(leader.raiseTokenAbove(seen));
    assertThat(raised).isEqualTo(seen + 1);
    assertThat(leader.token()).isEqualTo(raised);
    sleep(2_500);  // renewals keep the raised token, and it stays the only leader
    assertThat(leaders()).containsExactly(leader);
    assertThat(leader.token()).isEqualTo(raised);
    Leadership follower = leaderships.stream().filter(l -> l != leader).findFirst().orElseThrow();
    assertThat(awaitFailure(follower.raiseTokenAbove(seen))).hasMessageContaining("does not hold the lease");
  }

  @Test
  @Order(3)
  void aLeaderThatResignsIsSucceededWithAHigherToken() {
    Leadership leader = leaders().get(0);
    long token = leader.token();
    await(leader.close());
    assertThat(leader.isLeader()).isFalse();
    until("a successor", Duration.ofSeconds(5), () -> leaders().size() == 1 && leaders().get(0) != leader);
    assertThat(leaders().get(0).token()).isGreaterThan(token);
    leaderships.remove(leader);
  }

  @Test
  @Order(4)
  void aLeaderWhoseNodeLeavesIsSucceededAndOneNodeOfThreeDoesNotLead() {
    Leadership leader = leaders().get(0);
    long token = leader.token();
    Node gone = nodeOf(leader);
    leaderships.remove(leader);
    await(gone.close());
    nodes.remove(gone);
    // two of the three expected members: still a majority
    until("a successor on the remaining nodes", Duration.ofSeconds(10),
        () -> leaders().size() == 1 && leaders().get(0).token() > token);
    Node second = nodeOf(leaders().get(0));
    Node last = nodes.stream().filter(n -> n != second).findFirst().orElseThrow();
    leaderships.removeIf(l -> nodeOf(l) == second);
    await(second.close());
    nodes.remove(second);
    until("the last node to see it is alone", Duration.ofSeconds(10), () -> last.knownMembers().size() == 1);
    assertThat(last.hasQuorum()).as("one of three expected members has no quorum").isFalse();
    // it never takes the lead: sampled over more than a lease period
    for (int i = 0; i < 30; i++) {
      assertThat(leaders()).isEmpty();
      sleep(100);
    }
  }

  private static Node nodeOf(Leadership l) {
    return owners.get(l);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
