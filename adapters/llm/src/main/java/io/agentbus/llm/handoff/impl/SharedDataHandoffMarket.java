package io.agentbus.llm.handoff.impl;

import io.agentbus.llm.handoff.HandoffMarket;
import io.agentbus.llm.impl.LazyAsyncMap;
import io.agentbus.llm.handoff.HandoffOffer;
import io.agentbus.llm.handoff.HandoffRefusedException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@link HandoffMarket} on Vert.x shared data: offers and claims in two maps (Hazelcast's when
 * clustered), a claim is a {@code putIfAbsent} on the claims map, so exactly one claimer wins;
 * offers are announced with an event-bus publish.
 */
public final class SharedDataHandoffMarket implements HandoffMarket {

  /** Where offers are announced. */
  public static final String ADDRESS = "agentbus.llm.handoff.offers";
  private static final long OP_TIMEOUT_MILLIS = 5_000;
  private static final long GRACE_MILLIS = 60_000;

  private final Vertx vertx;
  private final Clock clock;
  private final List<MessageConsumer<JsonObject>> consumers = new CopyOnWriteArrayList<>();
  private final LazyAsyncMap<String, JsonObject> offers;
  private final LazyAsyncMap<String, String> claims;

  /**
   * @param vertx the node's Vert.x
   * @param clock the clock expiry is judged by
   */
  public SharedDataHandoffMarket(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
    this.offers = new LazyAsyncMap<>(vertx, "agentbus.llm.handoff.offers");
    this.claims = new LazyAsyncMap<>(vertx, "agentbus.llm.handoff.claims");
  }

  private Future<AsyncMap<String, JsonObject>> offers() {
    return offers.get();
  }

  private Future<AsyncMap<String, String>> claims() {
    return claims.get();
  }

  @Override
  public Future<HandoffOffer> offer(HandoffOffer offer) {
    long ttl = offer.expiresAtMillis() - clock.millis();
    if (ttl <= 0) {
      return Future.failedFuture(new HandoffRefusedException("offer " + offer.id() + " is already expired"));
    }
    return offers().compose(m -> m.putIfAbsent(offer.id(), offer.toJson(), ttl + GRACE_MILLIS))
        .timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .compose(prev -> {
          if (prev != null) {
            return Future.failedFuture(new HandoffRefusedException("offer id " + offer.id() + " is taken"));
          }
          vertx.eventBus().publish(ADDRESS, offer.toJson());
          return Future.succeededFuture(offer);
        });
  }

  @Override
  public Future<HandoffOffer> claim(String offerId, String claimer, Set<String> capabilities) {
    return offers().compose(m -> m.get(offerId)).timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).compose(json -> {
      if (json == null) {
        return Future.failedFuture(new HandoffRefusedException("no offer " + offerId + " (unknown or expired)"));
      }
      HandoffOffer offer = HandoffOffer.fromJson(json);
      long now = clock.millis();
      if (offer.expiredAt(now)) {
        return Future.failedFuture(new HandoffRefusedException("offer " + offerId + " expired "
            + (now - offer.expiresAtMillis()) + " ms ago"));
      }
      Set<String> missing = new TreeSet<>(offer.requiredCapabilities());
      missing.removeAll(capabilities);
      if (!missing.isEmpty()) {
        return Future.failedFuture(new HandoffRefusedException(claimer + " lacks capabilities " + missing
            + " required by offer " + offerId));
      }
      long ttl = offer.expiresAtMillis() - now + GRACE_MILLIS;
      return claims().compose(c -> c.putIfAbsent(offerId, claimer, ttl)).timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
          .compose(prev -> prev == null || prev.equals(claimer) ? Future.succeededFuture(offer)
              : Future.failedFuture(new HandoffRefusedException("offer " + offerId + " already claimed by " + prev)));
    });
  }

  @Override
  public Future<String> claimant(String offerId) {
    return claims().compose(c -> c.get(offerId)).timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<Void> onOffer(Handler<HandoffOffer> handler) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(ADDRESS, msg -> {
      HandoffOffer offer;
      try {
        offer = HandoffOffer.fromJson(msg.body());
      } catch (RuntimeException e) {
        return;  // not an offer: ignored
      }
      handler.handle(offer);
    });
    consumers.add(consumer);
    return consumer.completion();
  }

  @Override
  public Future<Void> close() {
    List<Future<Void>> all = consumers.stream().map(MessageConsumer::unregister).toList();
    consumers.clear();
    return Future.all(all).mapEmpty();
  }
}
