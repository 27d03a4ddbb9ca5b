package io.agentbus.node;

import io.agentbus.testing.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's WebSocket: a snapshot first, then versioned deltas of the changed sections only. */
class DashboardStreamTest {

  @Test
  void aSnapshotThenDeltasOfWhatChanged() throws Exception {
    int port = FreePorts.pick(1).get(0);
    NodeConfig config = NodeConfig.load(new String[] {"--http-port", String.valueOf(port), "--step-interval-ms", "100"}, Map.of());
    NodeMain.Running node = await(NodeMain.start(config));
    Vertx client = Vertx.vertx();
    try {
      List<JsonObject> received = new CopyOnWriteArrayList<>();
      // handlers set before connecting: set after, the snapshot (sent at once) could go unread
      WebSocketClient ws = client.createWebSocketClient();
      await(ws.webSocket().textMessageHandler(t -> received.add(new JsonObject(t))).connect(port, "127.0.0.1", "/ws"));
      until("a few updates", Duration.ofSeconds(15), () -> received.size() >= 4);
      JsonObject first = received.get(0);
      assertThat(first.getString("type")).isEqualTo("snapshot");
      assertThat(first.getJsonObject("sections").fieldNames()).contains("nodes", "agents", "messages");
      assertThat(first.getJsonObject("sections").getJsonObject("nodes").getJsonArray("members")).hasSize(1);
      long last = first.getLong("version");
      for (JsonObject m : received.subList(1, received.size())) {
        assertThat(m.getString("type")).isEqualTo("delta");
        assertThat(m.getLong("version")).isGreaterThan(last);
        last = m.getLong("version");
        // the node list does not change: deltas leave it out
        assertThat(m.getJsonObject("sections").fieldNames()).doesNotContain("nodes").isNotEmpty();
      }
      until("a market section", Duration.ofSeconds(15),
          () -> received.stream().anyMatch(m -> m.getJsonObject("sections").containsKey("market")));
      until("per-channel-kind counters", Duration.ofSeconds(15), () -> received.stream()
          .map(m -> m.getJsonObject("sections").getJsonObject("messages"))
          .anyMatch(x -> x != null && x.getJsonObject("byChannelKind").containsKey("results")));
      until("the results channel in the message tail", Duration.ofSeconds(15), () -> received.stream()
          .map(m -> m.getJsonObject("sections").getJsonObject("tail"))
          .anyMatch(t -> t != null && !t.getJsonArray("messages").isEmpty()
              && t.getJsonArray("messages").getJsonObject(0).getString("type").equals("RESULT")));
      // history only in snapshots: deltas never carry it, and a page opened later gets the steps it missed
      assertThat(received.subList(1, received.size())).allSatisfy(m ->
          assertThat(m.getJsonObject("sections").fieldNames()).doesNotContain("history", "rates"));
      until("five market steps on the first page", Duration.ofSeconds(15), () -> received.stream()
          .map(m -> m.getJsonObject("sections").getJsonObject("market")).filter(x -> x != null)
          .map(x -> x.getLong("step")).distinct().count() >= 5);
      long stepNow = received.stream().map(m -> m.getJsonObject("sections").getJsonObject("market")).filter(x -> x != null)
          .reduce((a, b) -> b).orElseThrow().getLong("step");
      List<JsonObject> later = new CopyOnWriteArrayList<>();
      WebSocketClient second = client.createWebSocketClient();
      await(second.webSocket().textMessageHandler(t -> later.add(new JsonObject(t))).connect(port, "127.0.0.1", "/ws"));
      until("a second page's snapshot", Duration.ofSeconds(10), () -> !later.isEmpty());
      JsonObject snapshot = later.get(0).getJsonObject("sections");
      io.vertx.core.json.JsonArray points = snapshot.getJsonObject("history").getJsonArray("points");
      assertThat(points.size()).as("steps seen before the page opened").isGreaterThan(3);
      assertThat(points.getJsonObject(points.size() - 1).getLong("step")).isGreaterThanOrEqualTo(stepNow);
      JsonObject p = points.getJsonObject(0);
      assertThat(p.fieldNames()).contains("step", "price", "trades", "soc");
      assertThat(p.getJsonObject("soc").fieldNames()).isNotEmpty();
      for (int i = 1; i < points.size(); i++) {
        assertThat(points.getJsonObject(i).getLong("step")).isGreaterThan(points.getJsonObject(i - 1).getLong("step"));
      }
      assertThat(later.get(0).getString("type")).isEqualTo("snapshot");
      assertThat(snapshot.getJsonObject("rates").getJsonArray("msgsPerSecond").size())
          .isEqualTo(snapshot.getJsonObject("rates").getJsonArray("time").size()).isGreaterThan(3);
    } finally {
      await(client.close());
      await(node.stop());
    }
  }

  @Test
  void pagesAreUpdatedAtTheConfiguredIntervalAndTheRateHistoryKeepsItsSpacing() throws Exception {
    int port = FreePorts.pick(1).get(0);
    NodeMain.Running node = await(NodeMain.start(NodeConfig.load(new String[] {"--http-port", String.valueOf(port),
        "--step-interval-ms", "50", "--dashboard-interval-ms", "100"}, Map.of())));
    Vertx client = Vertx.vertx();
    try {
      List<Long> deltas = new CopyOnWriteArrayList<>();
      WebSocketClient ws = client.createWebSocketClient();
      await(ws.webSocket().textMessageHandler(t -> {
        if (t.startsWith("{\"type\":\"delta\"")) {
          deltas.add(System.nanoTime());
        }
      }).connect(port, "127.0.0.1", "/ws"));
      until("3 s of deltas", Duration.ofSeconds(15), () -> deltas.size() >= 2
          && deltas.get(deltas.size() - 1) - deltas.get(0) >= 3_000_000_000L);
      double perSecond = (deltas.size() - 1) / ((deltas.get(deltas.size() - 1) - deltas.get(0)) / 1e9);
      // the market steps every 50 ms, so every update has something new: about 10 a second, not 2
      assertThat(perSecond).as("updates a second").isGreaterThan(6);
      List<JsonObject> later = new CopyOnWriteArrayList<>();
      WebSocketClient second = client.createWebSocketClient();
      await(second.webSocket().textMessageHandler(t -> later.add(new JsonObject(t))).connect(port, "127.0.0.1", "/ws"));
      until("a second page's snapshot", Duration.ofSeconds(10), () -> !later.isEmpty());
      io.vertx.core.json.JsonArray times = later.get(0).getJsonObject("sections").getJsonObject("rates").getJsonArray("time");
      assertThat(times.size()).isGreaterThan(3);
      for (int i = 1; i < times.size(); i++) {
        assertThat(times.getLong(i) - times.getLong(i - 1)).as("rate points half a second apart").isGreaterThanOrEqualTo(400);
      }
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> NodeConfig.load(new String[] {"--dashboard-interval-ms", "10"},
          Map.of()))).hasMessageContaining("dashboardIntervalMs (--dashboard-interval-ms): must be 50..60000");
    } finally {
      await(client.close());
      await(node.stop());
    }
  }
}
