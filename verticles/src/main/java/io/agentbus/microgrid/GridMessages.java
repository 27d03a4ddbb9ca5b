package io.agentbus.microgrid;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the distributed market says on the broker's channels, in HERON's message shapes (the
 * {@code type} field names the message):
 * <ul>
 *   <li>{@code price} (operator broadcast): {@code {"type": "price", "step", "value"}};</li>
 *   <li>{@code action} (operator → microgrid, imposed set-points; and microgrid → operator, its
 *   decision): {@code {"type": "action", "step", "p_gen", "p_ess"}}, the decision with its
 *   {@code observation} and its {@code order} (a bid or an offer; absent when balanced);</li>
 *   <li>{@code trades} (operator → each trading microgrid): its cleared trades, each with its
 *   {@code index} in the step's clearing;</li>
 *   <li>{@code offer} (seller → buyer, P2P) and {@code accept} (buyer → seller, P2P):
 *   {@code {"type", "step", "index", "quantity", "price"}};</li>
 *   <li>{@code result} (microgrid → operator): its settled step.</li>
 * </ul>
 * Every message carries its step, so what a failed attempt left behind is told apart.
 */
final class GridMessages {

  static final String PRICE = "price";
  static final String ACTION = "action";
  static final String TRADES = "trades";
  static final String OFFER = "offer";
  static final String ACCEPT = "accept";
  static final String RESULT = "result";

  private GridMessages() {
  }

  /** A trade with its position in the step's clearing (the order settlement adds trades in). */
  record IndexedTrade(int index, Market.Trade trade) {
  }

  static JsonObject price(int step, double price) {
    return new JsonObject().put("type", PRICE).put("step", step).put("value", price);
  }

  static JsonObject imposed(int step, MicrogridAction a) {
    return a.toJson().put("step", step);
  }

  static JsonObject decision(Microgrid.Decision d, Market.Order order) {
    JsonObject j = d.action().toJson().put("step", d.observation().step())
        .put("observation", d.observation().toJson()).put("netDemand", d.netDemand());
    return order == null ? j : j.put("order", order.toJson());
  }

  static Microgrid.Decision decisionOf(JsonObject j) {
    return new Microgrid.Decision(observationOf(j.getJsonObject("observation")), MicrogridAction.fromJson(j),
        j.getDouble("netDemand"));
  }

  static Market.Order orderOf(JsonObject decision) {
    JsonObject o = decision.getJsonObject("order");
    return o == null ? null : Market.Order.fromJson(o);
  }

  static Observation observationOf(JsonObject j) {
    return new Observation(j.getInteger("step"), j.getInteger("hour"), j.getDouble("price"), j.getDouble("load"),
        j.getDouble("pv"), j.getDouble("soc"));
  }

  static JsonObject trades(int step, List<IndexedTrade> trades) {
    JsonArray list = new JsonArray();
    trades.forEach(t -> list.add(t.trade().toJson().put("index", t.index())));
    return new JsonObject().put("type", TRADES).put("step", step).put("trades", list);
  }

  static List<IndexedTrade> tradesOf(JsonObject j) {
    List<IndexedTrade> out = new ArrayList<>();
    for (Object o : j.getJsonArray("trades")) {
      JsonObject t = (JsonObject) o;
      out.add(new IndexedTrade(t.getInteger("index"), Market.Trade.fromJson(t)));
    }
    out.sort(Comparator.comparingInt(IndexedTrade::index));
    return out;
  }

  static JsonObject p2p(String type, int step, IndexedTrade t) {
    return new JsonObject().put("type", type).put("step", step).put("index", t.index())
        .put("quantity", t.trade().quantity()).put("price", t.trade().price());
  }

  static JsonObject result(MicrogridResult r) {
    return new JsonObject().put("type", RESULT).put("microgrid", r.microgrid()).put("step", r.step())
        .put("pGen", r.pGen()).put("pEss", r.pEss()).put("load", r.load()).put("pv", r.pv()).put("p2p", r.p2p())
        .put("grid", r.grid()).put("soc", r.soc()).put("cost", r.cost()).put("balanceError", r.balanceError());
  }

  static MicrogridResult resultOf(JsonObject j) {
    return new MicrogridResult(j.getString("microgrid"), j.getInteger("step"), j.getDouble("pGen"), j.getDouble("pEss"),
        j.getDouble("load"), j.getDouble("pv"), j.getDouble("p2p"), j.getDouble("grid"), j.getDouble("soc"),
        j.getDouble("cost"), j.getDouble("balanceError"));
  }

  /** @return whether {@code j} is a message of {@code type} for {@code step} */
  static boolean is(JsonObject j, String type, int step) {
    return j != null && type.equals(j.getString("type")) && Integer.valueOf(step).equals(j.getInteger("step"));
  }
}
