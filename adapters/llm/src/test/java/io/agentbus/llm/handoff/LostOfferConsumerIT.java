package io.agentbus.llm.handoff;

import io.agentbus.cluster.Node;
import io.agentbus.llm.handoff.impl.BusHandoffMarket;
import io.agentbus.testing.ClusterRegistry;
import io.agentbus.testing.FreePorts;
import io.agentbus.testing.LocalCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the cluster loses a node's registration of the offer address (as when it re-forms around
 * that node), the node's handoff market registers its offer handlers again at the next membership
 * change: offers made elsewhere reach it again.
 */
class LostOfferConsumerIT {

  private static HandoffOffer offer(String id) {
    return new HandoffOffer(id, "assistant/a", "run-" + id, "summarise", new JsonObject(), Set.of(),
        System.currentTimeMillis() + 60_000);
  }

  /** Makes a new offer on {@code market}; @return whether {@code heard} has it 300 ms later */
  private static boolean heardAfterOffering(HandoffMarket market, List<String> heard, String prefix) {
    String id = prefix + System.nanoTime();
    await(market.offer(offer(id)));
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return heard.contains(id);
  }

  @Test
  void offersReachANodeAgainAfterTheClusterLostItsOfferConsumer() {
    List<Integer> ports = FreePorts.pick(3);
    List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.toList());
    Node n0 = await(Node.start(LocalCluster.options("lostoffer_it", ports.get(0), members)));
    Node n1 = await(Node.start(LocalCluster.options("lostoffer_it", ports.get(1), members)));
    Node n2 = null;
    try {
      until("two members", Duration.ofSeconds(30), () -> n0.knownMembers().size() == 2 && n1.knownMembers().size() == 2);
      HandoffMarket m0 = HandoffMarket.shared(n0, Clock.systemUTC());
      HandoffMarket m1 = HandoffMarket.shared(n1, Clock.systemUTC());
      List<String> heardOn1 = new CopyOnWriteArrayList<>();
      await(m1.onOffer(o -> heardOn1.add(o.id())));
      await(m0.offer(offer("before")));
      until("node 1 hears an offer made on node 0", Duration.ofSeconds(10), () -> heardOn1.contains("before"));

      ClusterRegistry.forget(n1, BusHandoffMarket.ADDRESS);
      until("node 1 no longer reached", Duration.ofSeconds(10), () -> !heardAfterOffering(m0, heardOn1, "cut-"));

      // a node joins: node 1's market finds its offer consumer missing and registers it again
      n2 = await(Node.start(LocalCluster.options("lostoffer_it", ports.get(2), members)));
      until("node 1 hears offers again", Duration.ofSeconds(20), () -> heardAfterOffering(m0, heardOn1, "after-"));
      // one consumer on node 1, not two: an offer is heard once
      String once = "once-" + System.nanoTime();
      await(m0.offer(offer(once)));
      until("the last offer heard", Duration.ofSeconds(5), () -> heardOn1.contains(once));
      assertThat(heardOn1.stream().filter(once::equals).count()).isEqualTo(1);
      await(m0.close());
      await(m1.close());
    } finally {
      if (n2 != null) {
        await(n2.close());
      }
      await(n1.close());
      await(n0.close());
    }
  }
}
