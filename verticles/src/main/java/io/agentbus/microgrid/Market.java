package io.agentbus.microgrid;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * HERON's P2P clearing rule: bids sorted by price descending and offers ascending (ties by
 * microgrid id, so the result never depends on arrival order), matched while the bid's maximum is
 * at least the offer's minimum, at the midpoint price, for the smaller quantity.
 */
public final class Market {

  /** Marginal cost used for bid and offer limits. */
  public static final double MARGINAL_COST = 50.0;
  /** Per-MWh fee on P2P trades. */
  public static final double TRADING_FEE = 0.01;

  private Market() {
  }

  /** A bid or an offer. */
  public record Order(String microgrid, double quantity, double limitPrice, boolean bid) {
    /** @return the JSON form */
    public JsonObject toJson() {
      return new JsonObject().put("microgrid", microgrid).put("quantity", quantity)
          .put(bid ? "max_price" : "min_price", limitPrice).put("side", bid ? "bid" : "offer");
    }

    /** @return the order from JSON */
    public static Order fromJson(JsonObject j) {
      boolean bid = "bid".equals(j.getString("side"));
      return new Order(j.getString("microgrid"), j.getDouble("quantity"),
          j.getDouble(bid ? "max_price" : "min_price"), bid);
    }
  }

  /** A cleared trade. */
  public record Trade(String buyer, String seller, double quantity, double price) {
    /** @return the JSON form */
    public JsonObject toJson() {
      return new JsonObject().put("buyer", buyer).put("seller", seller).put("quantity", quantity).put("price", price);
    }

    /** @return the trade from JSON */
    public static Trade fromJson(JsonObject j) {
      return new Trade(j.getString("buyer"), j.getString("seller"), j.getDouble("quantity"), j.getDouble("price"));
    }
  }

  /** @return the order a microgrid places for its net demand (null when balanced) */
  public static Order order(String microgrid, double netDemand) {
    if (Math.abs(netDemand) < 1e-9) {
      return null;
    }
    return netDemand > 0 ? new Order(microgrid, netDemand, MARGINAL_COST * 1.2, true)
        : new Order(microgrid, -netDemand, MARGINAL_COST * 0.8, false);
  }

  /** Clears bids against offers. */
  public static List<Trade> clear(List<Order> orders) {
    List<Order> bids = new ArrayList<>();
    List<Order> offers = new ArrayList<>();
    for (Order o : orders) {
      (o.bid() ? bids : offers).add(o);
    }
    bids.sort(Comparator.comparingDouble((Order o) -> -o.limitPrice()).thenComparing(Order::microgrid));
    offers.sort(Comparator.comparingDouble(Order::limitPrice).thenComparing(Order::microgrid));
    double[] bidLeft = bids.stream().mapToDouble(Order::quantity).toArray();
    double[] offerLeft = offers.stream().mapToDouble(Order::quantity).toArray();
    List<Trade> trades = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < bids.size() && j < offers.size() && bids.get(i).limitPrice() >= offers.get(j).limitPrice()) {
      double q = Microgrid.round(Math.min(bidLeft[i], offerLeft[j]));
      double price = (bids.get(i).limitPrice() + offers.get(j).limitPrice()) / 2.0;
      trades.add(new Trade(bids.get(i).microgrid(), offers.get(j).microgrid(), q, price));
      bidLeft[i] = Microgrid.round(bidLeft[i] - q);
      offerLeft[j] = Microgrid.round(offerLeft[j] - q);
      if (bidLeft[i] <= 1e-12) {
        i++;
      }
      if (offerLeft[j] <= 1e-12) {
        j++;
      }
    }
    return trades;
  }

  /**
   * HERON's per-party confirmations: {@code {"type": "trade_confirmations", "trades": [{counterparty,
   * quantity (negative for the seller), price}]}}.
   */
  public static JsonObject confirmations(String microgrid, List<Trade> trades) {
    io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
    for (Trade t : trades) {
      if (t.buyer().equals(microgrid)) {
        list.add(new JsonObject().put("counterparty", t.seller()).put("quantity", t.quantity()).put("price", t.price()));
      } else if (t.seller().equals(microgrid)) {
        list.add(new JsonObject().put("counterparty", t.buyer()).put("quantity", -t.quantity()).put("price", t.price()));
      }
    }
    return new JsonObject().put("type", "trade_confirmations").put("trades", list);
  }
}
