package io.agentbus.llm.handoff.impl;

import io.agentbus.llm.handoff.HandoffMarket;
import io.agentbus.llm.handoff.HandoffOffer;
import io.agentbus.llm.handoff.HandoffRefusedException;
import io.agentbus.llm.handoff.OfferLedger;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.ReachableConsumers;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link HandoffMarket} over an {@link OfferLedger}: the market judges expiry and capabilities,
 * the ledger makes the claim atomic; offers are announced with an event-bus publish to every
 * node's {@link #onOffer} handlers.
 */
public final class BusHandoffMarket implements HandoffMarket {

  /** Where offers are announced. */
  public static final String ADDRESS = "agentbus.llm.handoff.offers";
  private static final long GRACE_MILLIS = 60_000;

  private final Vertx vertx;
  private final Clock clock;
  private final OfferLedger ledger;
  /** The offer handlers' consumers: registered again when the cluster loses them (when watched). */
  private final ReachableConsumers consumers;

  /**
   * A market whose offer consumers are not checked after a partition: use
   * {@link #BusHandoffMarket(Node, Clock, OfferLedger)} on a clustered node.
   *
   * @param vertx the node's Vert.x
   * @param clock the clock expiry is judged by
   * @param ledger where offers and claims are recorded
   */
  public BusHandoffMarket(Vertx vertx, Clock clock, OfferLedger ledger) {
    this(vertx, clock, ledger, ReachableConsumers.create(vertx, "LLM handoff market"));
  }

  /**
   * A market whose offer consumers stay reachable when the cluster re-forms around this node
   * (checked 1 s after every join or merge: {@link ReachableConsumers#watching}).
   *
   * @param node the node (offers announced on its event bus)
   * @param clock the clock expiry is judged by
   * @param ledger where offers and claims are recorded
   */
  public BusHandoffMarket(Node node, Clock clock, OfferLedger ledger) {
    this(node.vertx(), clock, ledger, ReachableConsumers.watching(node, "LLM handoff market on node " + node.id()));
  }

  private BusHandoffMarket(Vertx vertx, Clock clock, OfferLedger ledger, ReachableConsumers consumers) {
    this.vertx = vertx;
    this.clock = clock;
    this.ledger = ledger;
    this.consumers = consumers;
  }

  @Override
  public Future<HandoffOffer> offer(HandoffOffer offer) {
    return record(offer, false);
  }

  @Override
  public Future<HandoffOffer> adopt(HandoffOffer offer) {
    return record(offer, true);
  }

  /**
   * Records the offer and announces it; an id already recorded is refused, unless the offer is
   * adopted from another deployment (then the recorded one is the same offer, through a shared ledger).
   */
  private Future<HandoffOffer> record(HandoffOffer offer, boolean adopted) {
    long ttl = offer.expiresAtMillis() - clock.millis();
    if (ttl <= 0) {
      return Future.failedFuture(new HandoffRefusedException("offer " + offer.id() + " is already expired"));
    }
    return ledger.recordIfAbsent(offer, ttl + GRACE_MILLIS).compose(prev -> {
      if (prev != null && !adopted) {
        return Future.failedFuture(new HandoffRefusedException("offer id " + offer.id() + " is taken"));
      }
      vertx.eventBus().publish(ADDRESS, offer.toJson());
      return Future.succeededFuture(offer);
    });
  }

  @Override
  public Future<HandoffOffer> claim(String offerId, String claimer, Set<String> capabilities) {
    return ledger.offer(offerId).compose(offer -> {
      if (offer == null) {
        return Future.failedFuture(new HandoffRefusedException("no offer " + offerId + " (unknown or expired)"));
      }
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
      return ledger.claimIfFree(offerId, claimer, offer.expiresAtMillis() - now + GRACE_MILLIS)
          .compose(holder -> holder.equals(claimer) ? Future.succeededFuture(offer)
              : Future.failedFuture(new HandoffRefusedException("offer " + offerId + " already claimed by " + holder)));
    });
  }

  @Override
  public Future<String> claimant(String offerId) {
    return ledger.claimant(offerId);
  }

  @Override
  public Future<Void> onOffer(Handler<HandoffOffer> handler) {
    return consumers.add(() -> vertx.eventBus().<JsonObject>consumer(ADDRESS, msg -> {
      HandoffOffer offer;
      try {
        offer = HandoffOffer.fromJson(msg.body());
      } catch (RuntimeException e) {
        return;  // not an offer: ignored
      }
      handler.handle(offer);
    })).completion();
  }

  @Override
  public Future<Void> close() {
    return consumers.closeAll().eventually(ledger::close);
  }
}
