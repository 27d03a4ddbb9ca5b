package io.agentbus.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last market steps the console has seen (price, trades, each microgrid's state of charge),
 * sent with every dashboard snapshot so a page opened now draws the charts with their history.
 * Fed with whichever step report the market section shows; a step number lower than the last one
 * is a new run, which starts a new history (two runs are never joined into one line).
 */
final class MarketHistory {

  /** Steps kept. */
  static final int CAPACITY = 240;

  private final Deque<JsonObject> points = new ArrayDeque<>();
  private long lastStep = -1;

  /** Records a step report (the market section's value) if it is a new step. */
  synchronized void record(JsonObject report) {
    if (report == null || !(report.getValue("step") instanceof Number)) {
      return;
    }
    long step = report.getLong("step");
    if (step == lastStep) {
      return;
    }
    if (step < lastStep) {
      points.clear();  // a new run
    }
    lastStep = step;
    JsonObject soc = new JsonObject();
    for (Object r : report.getJsonArray("results", new JsonArray())) {
      JsonObject result = (JsonObject) r;
      soc.put(result.getString("microgrid", "?"), result.getValue("soc"));
    }
    points.addLast(new JsonObject().put("step", step).put("price", report.getValue("price"))
        .put("trades", report.getJsonArray("trades", new JsonArray()).size()).put("soc", soc));
    while (points.size() > CAPACITY) {
      points.removeFirst();
    }
  }

  /** @return {@code points}: step, price, trades and soc by microgrid, oldest first */
  synchronized JsonObject toJson() {
    return new JsonObject().put("points", new JsonArray(new java.util.ArrayList<>(points)));
  }
}
