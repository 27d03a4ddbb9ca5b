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
      WebSocketClient ws = client.createWebSocketClient();
      await(ws.connect(port, "127.0.0.1", "/ws")).textMessageHandler(t -> received.add(new JsonObject(t)));
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
    } finally {
      await(client.close());
      await(node.stop());
    }
  }
}
