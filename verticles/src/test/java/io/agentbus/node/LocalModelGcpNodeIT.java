package io.agentbus.node;

import io.agentbus.gcp.GcpEmulators;
import io.agentbus.gcp.GoogleCloud;
import io.agentbus.llm.snapshot.SnapshotStore;
import io.agentbus.testing.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node with the real local model and every LLM store on Google Cloud (the emulators):
 * {@code --verticles market,llm --llm-local --llm-store firestore --llm-events pubsub --llm-snapshots gcs}.
 * A run over HTTP is answered by SmolLM2 with real token counts and a tool call the model chose;
 * the run is in Firestore, its intentions on Pub/Sub, its snapshot in Cloud Storage.
 */
class LocalModelGcpNodeIT {

  private static Map<String, String> env(GcpEmulators gcp) {
    Map<String, String> env = new HashMap<>();
    env.put("FIRESTORE_EMULATOR_HOST", gcp.firestoreHost());
    env.put("PUBSUB_EMULATOR_HOST", gcp.pubsubHost());
    env.put("STORAGE_EMULATOR_HOST", gcp.storageUrl());
    String cache = System.getenv("AGENTBUS_MODEL_CACHE");
    if (cache != null) {
      env.put("AGENTBUS_MODEL_CACHE", cache);
    }
    return env;
  }

  @Test
  void theLocalModelAnswersAndEverythingLandsOnGoogleCloud() {
    GcpEmulators gcp = GcpEmulators.get();
    String workspace = "node" + UUID.randomUUID().toString().substring(0, 8);
    int port = FreePorts.pick(1).get(0);
    NodeConfig config = NodeConfig.load(new String[] {"--http-port", String.valueOf(port), "--step-interval-ms", "200",
        "--verticles", "market,llm", "--llm-local", "--llm-store", "firestore", "--llm-events", "pubsub", "--llm-snapshots", "gcs",
        "--gcp-project", GcpEmulators.PROJECT, "--llm-workspace", workspace, "--llm-max-tokens-per-call", "64"}, env(gcp));
    NodeMain.Running node = await(NodeMain.start(config));
    Vertx side = Vertx.vertx();
    WebClient web = WebClient.create(side);
    io.agentbus.gcp.PubSubWatcher pubsub = new io.agentbus.gcp.PubSubWatcher(gcp.pubsubHost());
    try {
      assertThat(node.llm().local()).isNotNull();
      assertThat(node.llm().modelUrl()).startsWith("http://127.0.0.1:").endsWith("/v1");
      pubsub.subscribe(workspace + "-watch", workspace);
      until("a market step", Duration.ofSeconds(15), () -> await(web.get(port, "127.0.0.1", "/api/market").send()).statusCode() == 200);

      HttpResponse<Buffer> r = await(web.post(port, "127.0.0.1", "/api/llm/run").timeout(120_000)
          .sendJsonObject(new JsonObject().put("message", "What is the market price right now? Check with market_state.")));
      assertThat(r.statusCode()).isEqualTo(200);
      JsonObject result = r.bodyAsJsonObject();
      assertThat(result.getString("exit")).as(result.encode()).isEqualTo("SATISFIED");
      assertThat(result.getLong("totalTokens")).isGreaterThan(50);
      assertThat(result.getInteger("toolCalls")).isGreaterThanOrEqualTo(1);
      String runId = result.getString("runId");

      JsonObject viaHttp = await(web.get(port, "127.0.0.1", "/api/llm/runs/" + runId).send()).bodyAsJsonObject();
      assertThat(viaHttp.getString("runId")).isEqualTo(runId);
      assertThat(await(web.get(port, "127.0.0.1", "/api/llm/runs/nope").send()).statusCode()).isEqualTo(404);
      GoogleCloud reader = GoogleCloud.create(side, gcp.options());
      JsonObject stored = await(reader.runStore().get(runId));
      assertThat(stored).as("run " + runId + " in Firestore").isNotNull();
      assertThat(stored.getJsonObject("result").getString("exit")).isEqualTo("SATISFIED");
      assertThat(stored.getJsonArray("interactions")).anySatisfy(i ->
          assertThat(((JsonObject) i).getString("tool")).isIn("market_state", "cluster_nodes"));

      List<JsonObject> intentions = pubsub.pull(workspace + "-watch", 2);
      assertThat(intentions).allSatisfy(m -> assertThat(m.getJsonObject("attributes").getString("runId")).isEqualTo(runId));
      JsonObject first = io.agentbus.gcp.PubSubWatcher.data(intentions.get(0));
      assertThat(first.getString("source_agent")).startsWith("assistant/");
      assertThat(first.getDouble("attention_weight")).isEqualTo(0.5);  // it called a tool

      String snapshot = stored.getString("snapshot");
      assertThat(snapshot).startsWith("gs://" + GcpEmulators.PROJECT + "-agent-context/snapshots/");
      SnapshotStore.Versioned snap = await(await(reader.snapshotStore()).load(snapshot));
      assertThat(snap.snapshot().messages()).extracting(m -> m.role().wireName()).contains("user", "assistant", "tool");
      await(reader.close());
    } finally {
      await(node.stop());
      await(side.close());
    }
  }
}
