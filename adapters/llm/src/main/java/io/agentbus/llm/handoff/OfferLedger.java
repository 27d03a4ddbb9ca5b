package io.agentbus.llm.handoff;

import io.agentbus.llm.handoff.impl.SharedDataOfferLedger;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Where a {@link HandoffMarket} keeps offers and claims: the one piece that must be atomic for
 * exactly one claim to win. The market validates (expiry, capabilities) and announces; the ledger
 * only records. Implementations: {@link #shared(Vertx)} (Hazelcast maps when clustered, one
 * cluster) and Firestore ({@code io.agentbus.gcp}, collection {@code handoff_offers}: one winner
 * also between clusters that share a project).
 */
public interface OfferLedger {

  /**
   * Records an offer unless one with its id exists.
   *
   * @param offer the offer
   * @param retainMillis how long to keep it (its time to live and a grace period)
   * @return the offer already recorded under that id, or null when this one was recorded
   */
  Future<HandoffOffer> recordIfAbsent(HandoffOffer offer, long retainMillis);

  /** @return the offer, or null (unknown, or gone after its retention) */
  Future<HandoffOffer> offer(String offerId);

  /**
   * Claims an offer for {@code claimer} unless someone else holds it: atomic, so of any number of
   * concurrent claims exactly one wins.
   *
   * @param offerId a recorded offer
   * @param claimer who claims
   * @param retainMillis how long to keep the claim
   * @return who holds the offer now (the claimer if it won)
   */
  Future<String> claimIfFree(String offerId, String claimer, long retainMillis);

  /** @return who claimed the offer, or null */
  Future<String> claimant(String offerId);

  /** Releases the ledger's clients. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /**
   * @param vertx the node's Vert.x
   * @return the ledger in shared data
   */
  static OfferLedger shared(Vertx vertx) {
    return new SharedDataOfferLedger(vertx);
  }
}
