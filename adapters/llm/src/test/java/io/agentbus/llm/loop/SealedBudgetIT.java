package io.agentbus.llm.loop;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.agentbus.cluster.ClusterSecret;
import io.agentbus.testing.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster-wide budget on a cluster with a secret, attacked through a plain Hazelcast client
 * that knows the cluster's name: setting the day's spend to anything, or putting back an older
 * sealed value, makes the ledger fail closed (no reservation, hence no model call).
 */
class SealedBudgetIT {

  private static final String NS = "budgetit";
  private static LocalCluster cluster;
  private static HazelcastInstance client;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(1, NS, ClusterSecret.of("budget secret budget secret 123"));
    ClientConfig cc = new ClientConfig().setClusterName("agentbus-" + NS);
    cc.setProperty("hazelcast.phone.home.enabled", "false");
    cc.getNetworkConfig().addAddress(cluster.members().toArray(new String[0]));
    client = HazelcastClient.newHazelcastClient(cc);
  }

  @AfterAll
  static void stop() {
    client.shutdown();
    cluster.close();
  }

  private static String dayKey(String scope) {
    return "cost|" + scope + "|" + Instant.now().atOffset(ZoneOffset.UTC).toLocalDate();
  }

  @Test
  void concurrentReservationsThroughTheSealedMapStillStopExactlyAtTheCap() {
    BudgetLedger ledger = BudgetLedger.shared(cluster.node(0).vertx(), Clock.systemUTC());
    java.util.List<io.vertx.core.Future<Long>> all = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      all.add(ledger.reserveCost("sealed-fleet", 10_000, 300_000));
    }
    await(io.vertx.core.Future.join(all).otherwiseEmpty());
    assertThat(all.stream().filter(io.vertx.core.Future::succeeded).count()).isEqualTo(30);
    assertThat(all.stream().filter(io.vertx.core.Future::failed).map(io.vertx.core.Future::cause))
        .allMatch(e -> e instanceof BudgetExceededException);
    assertThat(await(ledger.usage("sealed-fleet")).costMicroUsdToday()).isEqualTo(300_000);
  }

  @Test
  void aForgedSpendIsRefusedAndTheLedgerFailsClosed() {
    BudgetLedger ledger = BudgetLedger.shared(cluster.node(0).vertx(), Clock.systemUTC());
    assertThat(await(ledger.reserveCost("forged", 10_000, 1_000_000))).isEqualTo(10_000);
    IMap<Object, Object> raw = client.getMap("agentbus.llm.budget");
    assertThat(String.valueOf(raw.get(dayKey("forged")))).doesNotContain("10000");
    raw.put(dayKey("forged"), "-999999999/99");  // "spent a negative amount": would bypass the cap if believed
    assertThat(awaitFailure(ledger.reserveCost("forged", 10_000, 1_000_000))).isInstanceOf(LedgerUnavailableException.class);
    assertThat(awaitFailure(ledger.usage("forged"))).isInstanceOf(LedgerUnavailableException.class);
  }

  @Test
  void anOlderSealedValuePutBackOrADeletedWindowIsNoticed() {
    BudgetLedger ledger = BudgetLedger.shared(cluster.node(0).vertx(), Clock.systemUTC());
    IMap<Object, Object> raw = client.getMap("agentbus.llm.budget");
    await(ledger.reserveCost("rollback", 100_000, 1_000_000));
    Object early = raw.get(dayKey("rollback"));
    await(ledger.reserveCost("rollback", 800_000, 1_000_000));
    raw.put(dayKey("rollback"), early);  // back to $0.10 spent: a valid seal, but an old one
    assertThat(awaitFailure(ledger.reserveCost("rollback", 500_000, 1_000_000))).isInstanceOf(LedgerUnavailableException.class);
    raw.delete(dayKey("rollback"));  // "nothing spent today"
    assertThat(awaitFailure(ledger.reserveCost("rollback", 500_000, 1_000_000))).isInstanceOf(LedgerUnavailableException.class);
  }
}
