package io.agentbus.llm.handoff.impl;

import io.agentbus.llm.handoff.HandoffOffer;
import io.agentbus.llm.handoff.OfferLedger;
import io.agentbus.llm.impl.LazyAsyncMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/**
 * {@link OfferLedger} in two Vert.x async maps (Hazelcast's when clustered): a claim is a
 * {@code putIfAbsent} on the claims map, so exactly one claimer wins.
 */
public final class SharedDataOfferLedger implements OfferLedger {

  private static final long OP_TIMEOUT_MILLIS = 5_000;
  private final LazyAsyncMap<String, JsonObject> offers;
  private final LazyAsyncMap<String, String> claims;

  /** @param vertx the node's Vert.x */
  public SharedDataOfferLedger(Vertx vertx) {
    this.offers = new LazyAsyncMap<>(vertx, "agentbus.llm.handoff.offers");
    this.claims = new LazyAsyncMap<>(vertx, "agentbus.llm.handoff.claims");
  }

  @Override
  public Future<HandoffOffer> recordIfAbsent(HandoffOffer offer, long retainMillis) {
    return offers.get().compose(m -> m.putIfAbsent(offer.id(), offer.toJson(), retainMillis))
        .timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).map(prev -> prev == null ? null : HandoffOffer.fromJson(prev));
  }

  @Override
  public Future<HandoffOffer> offer(String offerId) {
    return offers.get().compose(m -> m.get(offerId)).timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .map(json -> json == null ? null : HandoffOffer.fromJson(json));
  }

  @Override
  public Future<String> claimIfFree(String offerId, String claimer, long retainMillis) {
    return claims.get().compose(c -> c.putIfAbsent(offerId, claimer, retainMillis)).timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .map(prev -> prev == null ? claimer : prev);
  }

  @Override
  public Future<String> claimant(String offerId) {
    return claims.get().compose(c -> c.get(offerId)).timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }
}
