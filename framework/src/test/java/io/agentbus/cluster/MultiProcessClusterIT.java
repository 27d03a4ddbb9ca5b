package io.agentbus.cluster;

import io.agentbus.broker.BrokerOptions;
import io.agentbus.broker.MessageBroker;
import io.agentbus.channel.Channel;
import io.agentbus.message.Message;
import io.agentbus.message.MessageType;
import io.agentbus.testing.ChildJvm;
import io.agentbus.testing.ClusterChildMain;
import io.agentbus.testing.FreePorts;
import io.agentbus.testing.LocalCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Separate JVM processes form one cluster over loopback and exchange messages; one is killed with
 * SIGKILL and the others keep working (after vertx-core's FaultToleranceTest).
 */
class MultiProcessClusterIT {

  private static final Duration JOIN = Duration.ofSeconds(60);

  @Test
  void processesExchangeMessagesAndSurviveAKill9() throws Exception {
    List<Integer> ports = FreePorts.pick(4);
    List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.toList());
    String ns = "multiproc";
    List<ChildJvm> children = new ArrayList<>();
    Node driver = await(Node.start(LocalCluster.options(ns, ports.get(0), members).setNodeName("driver")));
    // added to by the node's context while the test reads it: a copy-on-write list (AssertJ iterating a
    // synchronized list unlocked threw ConcurrentModificationException once in CI)
    List<MembershipEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    driver.onMembershipChange(events::add);
    try {
      for (int i = 1; i <= 3; i++) {
        children.add(ChildJvm.start("child" + i, ClusterChildMain.class,
            List.of(ns, String.valueOf(ports.get(i)), String.join(",", members), "child" + i)));
      }
      List<String> childIds = new ArrayList<>();
      for (ChildJvm c : children) {
        childIds.add(c.awaitLine("READY", JOIN).substring("READY ".length()));
      }
      until("4 members with their info", JOIN, () -> driver.knownMembers().size() == 4);
      assertThat(driver.knownMembers()).extracting(NodeInfo::name)
          .containsExactlyInAnyOrder("driver", "child1", "child2", "child3");

      MessageBroker broker = await(MessageBroker.eventBus(driver.vertx(), new BrokerOptions()));
      Channel pings = broker.channels().broadcast("driver", ClusterChildMain.ENV);
      Channel pongs = broker.channels().results(ClusterChildMain.ENV, "driver");
      await(broker.createChannel(pongs));

      assertThat(pingUntilAnswered(broker, pings, pongs, 1, Set.of("child1", "child2", "child3"))).isTrue();
      // a mailbox kept by child3 (remote store, acknowledged)
      Channel child3Box = broker.channels().info("child3", "driver", ClusterChildMain.ENV);
      await(broker.publish(child3Box, Message.builder().envId(ClusterChildMain.ENV).senderId("child3").recipientId("driver")
          .type(MessageType.INFO).payload(new JsonObject().put("n", 0)).build()));

      children.get(2).kill9();
      until("the killed child to leave", Duration.ofSeconds(30), () -> driver.knownMembers().size() == 3);
      // the event reaches handlers on the node's context, after the member list changed
      until("the LEFT event", Duration.ofSeconds(10),
          () -> events.contains(new MembershipEvent(MembershipEvent.Type.LEFT, childIds.get(2))));

      assertThat(pingUntilAnswered(broker, pings, pongs, 2, Set.of("child1", "child2"))).isTrue();
      // the dead node's mailbox: publishing never hangs (each attempt ends within the request
      // timeout) and the channel is taken over; what the dead node held is gone with it
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      boolean published = false;
      while (!published && System.nanoTime() < deadline) {
        long t0 = System.nanoTime();
        try {
          await(broker.publish(child3Box, Message.builder().envId(ClusterChildMain.ENV).senderId("child3")
              .recipientId("driver").type(MessageType.INFO).payload(new JsonObject().put("n", 1)).build()));
          published = true;
        } catch (RuntimeException e) {
          assertThat(e).hasMessageContaining("child3");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(7));
      }
      assertThat(published).isTrue();
      assertThat(await(broker.consume(child3Box, "driver", ClusterChildMain.ENV)))
          .extracting(m -> m.payload().getInteger("n")).containsExactly(1);
      // nothing from the dead one
      assertThat(await(broker.consume(pongs, "driver", ClusterChildMain.ENV)))
          .noneMatch(m -> m.senderId().equals("child3") && m.payload().getInteger("n") == 2);
    } finally {
      for (ChildJvm c : children) {
        c.close();
      }
      await(driver.close());
    }
  }

  /** Broadcasts ping {@code n} (again every second) until every expected child answered it. */
  private static boolean pingUntilAnswered(MessageBroker broker, Channel pings, Channel pongs, int n,
                                           Set<String> expected) {
    Set<String> answered = new HashSet<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long nextPing = 0;
    while (System.nanoTime() < deadline) {
      if (System.nanoTime() >= nextPing) {
        await(broker.publish(pings, Message.builder().envId(ClusterChildMain.ENV).senderId("driver").recipientId("all")
            .type(MessageType.BROADCAST).payload(new JsonObject().put("n", n)).build()));
        nextPing = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      }
      for (Message m : await(broker.consume(pongs, "driver", ClusterChildMain.ENV))) {
        if (m.payload().getInteger("n") == n) {
          answered.add(m.senderId());
        }
      }
      if (answered.containsAll(expected)) {
        return true;
      }
      io.agentbus.testing.Await.sleep(50);
    }
    throw new AssertionError("ping " + n + " answered by " + answered + ", expected " + expected);
  }
}
