package io.agentbus.llm.contract;

import io.agentbus.llm.handoff.HandoffOffer;
import io.agentbus.llm.handoff.OfferLedger;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.agentbus.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link OfferLedger} does; two ledgers on the same backend stand for two nodes (or two
 * clusters) racing.
 */
public abstract class OfferLedgerContract {

  protected Vertx vertx;
  protected OfferLedger one;
  protected OfferLedger two;

  /** @return a ledger on {@code vertx}; ledgers made by one test share their backend */
  protected abstract OfferLedger newLedger(Vertx vertx);

  @BeforeEach
  void startLedgers() {
    vertx = Vertx.vertx();
    one = newLedger(vertx);
    two = newLedger(vertx);
  }

  @AfterEach
  void stopLedgers() {
    await(Future.join(one.close(), two.close()));
    await(vertx.close());
  }

  private static HandoffOffer offer() {
    return new HandoffOffer("o-" + UUID.randomUUID(), "writer/w1", "run-1", "read this scan 名前",
        new JsonObject().put("page", 3), Set.of("ocr", "vision"), System.currentTimeMillis() + 60_000, "shared:run-1");
  }

  @Test
  void aRecordedOfferReadsBack() {
    HandoffOffer o = offer();
    assertThat(await(one.recordIfAbsent(o, 120_000))).isNull();
    assertThat(await(two.offer(o.id()))).isEqualTo(o);
  }

  @Test
  void recordingTheSameIdAgainReturnsTheFirst() {
    HandoffOffer o = offer();
    await(one.recordIfAbsent(o, 120_000));
    HandoffOffer other = new HandoffOffer(o.id(), "someone/else", "run-2", "other", null, Set.of(), o.expiresAtMillis());
    assertThat(await(two.recordIfAbsent(other, 120_000))).isEqualTo(o);
    assertThat(await(one.offer(o.id()))).isEqualTo(o);
  }

  @Test
  void anUnknownOfferIsNullAndUnclaimed() {
    assertThat(await(one.offer("o-none-" + UUID.randomUUID()))).isNull();
    assertThat(await(one.claimant("o-none-" + UUID.randomUUID()))).isNull();
  }

  @Test
  void ofManyConcurrentClaimsExactlyOneWins() {
    HandoffOffer o = offer();
    await(one.recordIfAbsent(o, 120_000));
    List<Future<String>> claims = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      claims.add((i % 2 == 0 ? one : two).claimIfFree(o.id(), "claimer-" + i, 120_000));
    }
    await(Future.all(claims));
    String winner = claims.get(0).result();
    assertThat(claims).allMatch(c -> c.result().equals(winner));
    assertThat(winner).startsWith("claimer-");
    assertThat(await(two.claimant(o.id()))).isEqualTo(winner);
    // the winner asking again still holds it
    assertThat(await(one.claimIfFree(o.id(), winner, 120_000))).isEqualTo(winner);
  }
}
