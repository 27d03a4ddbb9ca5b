package io.agentbus.llm.handoff;

import io.agentbus.llm.handoff.impl.BusHandoffMarket;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.Set;

/**
 * Handoffs as a market: an agent offers a task with required capabilities and a time to live;
 * agents that have them may claim it; exactly one claim succeeds cluster-wide; an expired offer
 * cannot be claimed. The market judges expiry and capabilities; an {@link OfferLedger} records
 * offers and makes the claim atomic.
 */
public interface HandoffMarket {

  /**
   * Records the offer and announces it to every node's {@link #onOffer} handlers.
   *
   * @return the offer; failed when it is already expired
   */
  Future<HandoffOffer> offer(HandoffOffer offer);

  /**
   * Takes in an offer made in another deployment (a second cluster sharing a Pub/Sub topic):
   * records it unless it is already recorded (a ledger both share holds it already) and announces
   * it to this cluster's handlers.
   *
   * @return the offer; failed when it is already expired
   */
  Future<HandoffOffer> adopt(HandoffOffer offer);

  /**
   * @param offerId the offer
   * @param claimer who claims it
   * @param capabilities what the claimer has
   * @return the offer, now the claimer's; failed with {@link HandoffRefusedException} saying why
   */
  Future<HandoffOffer> claim(String offerId, String claimer, Set<String> capabilities);

  /** @return who claimed the offer, or null */
  Future<String> claimant(String offerId);

  /**
   * @param handler called (on this node) for every offer made anywhere in the cluster
   * @return a future completed when the handler is registered cluster-wide
   */
  Future<Void> onOffer(Handler<HandoffOffer> handler);

  /** Stops announcing offers to this node's handlers. */
  Future<Void> close();

  /**
   * A market whose offer consumers are not checked after a partition: on a clustered node use
   * {@link #shared(io.agentbus.cluster.Node, Clock)}.
   *
   * @param vertx the node's Vert.x (offers and claims in its shared data, announcements on its event bus)
   * @param clock the clock expiry is judged by
   * @return the market
   */
  static HandoffMarket shared(Vertx vertx, Clock clock) {
    return on(vertx, clock, OfferLedger.shared(vertx));
  }

  /**
   * @param vertx the node's Vert.x (announcements on its event bus)
   * @param clock the clock expiry is judged by
   * @param ledger where offers and claims are recorded (e.g. Firestore)
   * @return the market
   */
  static HandoffMarket on(Vertx vertx, Clock clock, OfferLedger ledger) {
    return new BusHandoffMarket(vertx, clock, ledger);
  }

  /**
   * The market on a node, its offer consumers kept reachable when the cluster re-forms around the
   * node (see {@link io.agentbus.cluster.ReachableConsumers}): what a clustered node should use.
   *
   * @param node the node (offers and claims in its shared data, announcements on its event bus)
   * @param clock the clock expiry is judged by
   * @return the market
   */
  static HandoffMarket shared(io.agentbus.cluster.Node node, Clock clock) {
    return on(node, clock, OfferLedger.shared(node.vertx()));
  }

  /**
   * {@link #shared(io.agentbus.cluster.Node, Clock)} with another ledger (e.g. Firestore).
   *
   * @param node the node (announcements on its event bus)
   * @param clock the clock expiry is judged by
   * @param ledger where offers and claims are recorded
   * @return the market
   */
  static HandoffMarket on(io.agentbus.cluster.Node node, Clock clock, OfferLedger ledger) {
    return new BusHandoffMarket(node, clock, ledger);
  }
}
