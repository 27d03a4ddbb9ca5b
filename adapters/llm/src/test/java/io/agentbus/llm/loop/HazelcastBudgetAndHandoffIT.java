package io.agentbus.llm.loop;

import io.agentbus.llm.handoff.HandoffMarket;
import io.agentbus.llm.handoff.HandoffOffer;
import io.agentbus.testing.LocalCluster;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.agentbus.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Budgets and handoffs shared by a real 3-node Hazelcast cluster. */
class HazelcastBudgetAndHandoffIT {

  private static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(3, "llmit");
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void concurrentReservationsOnThreeNodesNeverPassTheCap() {
    List<BudgetLedger> ledgers = cluster.nodes().stream().map(n -> BudgetLedger.shared(n.vertx(), Clock.systemUTC())).toList();
    List<Future<Long>> all = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      all.add(ledgers.get(i % 3).reserveCost("hz-fleet", 10_000, 500_000));  // $0.01 each, cap $0.50
    }
    await(Future.join(all).otherwiseEmpty());
    long granted = all.stream().filter(Future::succeeded).count();
    assertThat(granted).isEqualTo(50);
    assertThat(all.stream().filter(Future::failed).map(Future::cause)).allMatch(e -> e instanceof BudgetExceededException);
    assertThat(await(ledgers.get(2).usage("hz-fleet")).costMicroUsdToday()).isEqualTo(500_000);
    // settling returns what was reserved and not spent, and is seen by every node
    await(ledgers.get(1).adjustCost("hz-fleet", -100_000));
    assertThat(await(ledgers.get(0).usage("hz-fleet")).costMicroUsdToday()).isEqualTo(400_000);
  }

  @Test
  void toolCallsPerMinuteAreCountedClusterWide() {
    List<BudgetLedger> ledgers = cluster.nodes().stream().map(n -> BudgetLedger.shared(n.vertx(), Clock.systemUTC())).toList();
    List<Future<Long>> all = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      all.add(ledgers.get(i % 3).acquireToolCall("hz-tools-" + System.nanoTime() / 60_000_000_000L, 12));
    }
    await(Future.join(all).otherwiseEmpty());
    assertThat(all.stream().filter(Future::succeeded).count()).isEqualTo(12);
  }

  @Test
  void exactlyOneClaimWinsOnARealCluster() {
    List<HandoffMarket> markets = cluster.nodes().stream().map(n -> HandoffMarket.shared(n.vertx(), Clock.systemUTC())).toList();
    HandoffOffer offer = new HandoffOffer("hz-offer", "writer/w", "r", "task", new JsonObject(), Set.of("ocr"),
        System.currentTimeMillis() + 60_000);
    await(markets.get(0).offer(offer));
    List<Future<HandoffOffer>> claims = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      claims.add(markets.get(i % 3).claim("hz-offer", "reader/" + i, Set.of("ocr")));
    }
    await(Future.join(claims).otherwiseEmpty());
    assertThat(claims.stream().filter(Future::succeeded).count()).isEqualTo(1);
  }
}
