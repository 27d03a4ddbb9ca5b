package io.agentbus.broker;

import io.agentbus.channel.Channel;
import io.agentbus.cluster.Node;
import io.agentbus.message.Message;
import io.agentbus.message.MessageType;
import io.agentbus.testing.ChildJvm;
import io.agentbus.testing.ClusterChildMain;
import io.agentbus.testing.FreePorts;
import io.agentbus.testing.LocalCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The process holding a channel's mailbox is killed (-9): once membership has seen it go, the next
 * publish elsewhere takes the mailbox over at once instead of waiting out a request to the dead
 * owner ("broker … did not answer within 5000 ms").
 */
class OwnerDepartureIT {

  @Test
  void aPublishAfterTheOwnersProcessWasKilledTakesTheMailboxOver() throws Exception {
    List<Integer> ports = FreePorts.pick(2);
    List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.toList());
    String ns = "owner_departure";
    Node driver = await(Node.start(LocalCluster.options(ns, ports.get(0), members).setNodeName("driver")));
    try (ChildJvm child = ChildJvm.start("owner", ClusterChildMain.class,
        List.of(ns, String.valueOf(ports.get(1)), String.join(",", members), "owner"))) {
      String childId = child.awaitLine("READY", Duration.ofSeconds(60)).substring("READY ".length());
      MessageBroker broker = await(MessageBroker.eventBus(driver.vertx(), new BrokerOptions()));
      // the child created this channel: its mailbox lives there
      Channel ch = broker.channels().info("owner", "driver", ClusterChildMain.ENV);
      await(broker.publish(ch, note(1)));
      child.kill9();
      until("membership sees the child gone", Duration.ofSeconds(20), () -> !driver.memberIds().contains(childId));

      long t0 = System.nanoTime();
      await(broker.publish(ch, note(2)));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      System.out.printf("OwnerDepartureIT: the publish after the owner's process was killed took %d ms%n", ms);
      // what died with the process is lost (at-most-once); what came after is in the new mailbox
      assertThat(await(broker.consume(ch, "driver", ClusterChildMain.ENV)))
          .extracting(m -> m.payload().getInteger("seq")).containsExactly(2);
      await(broker.close());
    } finally {
      await(driver.close());
    }
  }

  private static Message note(int seq) {
    return Message.builder().envId(ClusterChildMain.ENV).senderId("owner").recipientId("driver").timestamp(seq)
        .type(MessageType.INFO).payload(new JsonObject().put("seq", seq)).build();
  }
}
