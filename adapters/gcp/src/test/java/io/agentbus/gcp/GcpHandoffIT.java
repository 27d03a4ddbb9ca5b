package io.agentbus.gcp;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.TypeSubscription;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.llm.FakeOpenAi;
import io.agentbus.llm.LlmClient;
import io.agentbus.llm.OpenAiOptions;
import io.agentbus.llm.agent.LlmAgent;
import io.agentbus.llm.agent.LlmAgents;
import io.agentbus.llm.events.EventSink;
import io.agentbus.llm.handoff.HandoffMarket;
import io.agentbus.llm.loop.BudgetLedger;
import io.agentbus.llm.loop.LoopExit;
import io.agentbus.llm.loop.LoopOptions;
import io.agentbus.llm.loop.LoopResult;
import io.agentbus.llm.snapshot.SnapshotStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.test.fakecluster.FakeClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handoff on two nodes with every store on Google Cloud (emulators): node A's writer hands a
 * task off, capable agents on A and B race for it through the Firestore ledger, exactly one wins,
 * continues from the writer's context snapshot in Cloud Storage, and its result reaches the
 * originator; the runs are in Firestore and the intentions on Pub/Sub.
 */
class GcpHandoffIT {

  private final String workspace = "ho" + UUID.randomUUID().toString().substring(0, 8);
  private final List<Node> nodes = new ArrayList<>();
  private final List<AgentRuntime> runtimes = new ArrayList<>();
  private final List<LlmAgents> llms = new ArrayList<>();
  private final List<GoogleCloud> clouds = new ArrayList<>();
  private FakeOpenAi model;

  @BeforeEach
  void start() {
    for (int i = 0; i < 2; i++) {
      Vertx v = await(Vertx.builder().withClusterManager(new FakeClusterManager()).buildClustered());
      Node n = await(Node.attach(v, new NodeOptions().setNodeName("n" + i)));
      nodes.add(n);
      runtimes.add(await(AgentRuntime.create(n, new AgentRuntimeOptions())));
    }
    model = FakeOpenAi.start(nodes.get(0).vertx());
    for (int i = 0; i < 2; i++) {
      Vertx v = nodes.get(i).vertx();
      Clock clock = Clock.systemUTC();
      GoogleCloud gcp = GoogleCloud.create(v, GcpEmulators.get().options().setWorkspace(workspace).setDeployment("one-cluster"));
      clouds.add(gcp);
      HandoffMarket market = HandoffMarket.on(v, clock, gcp.offerLedger());
      SnapshotStore snapshots = await(gcp.snapshotStore());
      EventSink events = EventSink.all(EventSink.bus(runtimes.get(i)), await(gcp.eventSink(market)));
      llms.add(await(LlmAgents.install(runtimes.get(i), LlmClient.openAi(v, new OpenAiOptions().setBaseUrl(model.baseUrl())
          .setMaxRetries(0)), BudgetLedger.shared(v, clock), market, gcp.runStore(), snapshots, events, clock)));
    }
  }

  @AfterEach
  void stop() {
    model.close();
    for (int i = 0; i < nodes.size(); i++) {
      await(llms.get(i).close());
      await(clouds.get(i).close());
      await(runtimes.get(i).close());
      await(nodes.get(i).close());
    }
    FakeClusterManager.reset();
  }

  @Test
  void aHandoffIsClaimedOnceAcrossNodesAndContinuesFromTheSnapshot() {
    for (int i = 0; i < 2; i++) {
      await(llms.get(i).register("writer", new LoopOptions().setModel("m").setHandoffs(true), Set.of("chat")));
      await(llms.get(i).register("reader", new LoopOptions().setModel("m"), Set.of("ocr", "chat")));
      await(llms.get(i).register("scanner", new LoopOptions().setModel("m"), Set.of("ocr")));
      await(llms.get(i).register("painter", new LoopOptions().setModel("m"), Set.of("ocr")));
    }
    List<JsonObject> results = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 2; i++) {
      await(runtimes.get(i).register("collector", id -> new Agent() {
        @Override
        public Handlers handlers() {
          return Handlers.builder().otherwise((p, ctx) -> {
            results.add(((JsonPayload) p).data());
            return Future.succeededFuture();
          }).build();
        }
      }));
    }
    await(runtimes.get(0).addSubscription(new TypeSubscription(LlmAgent.HANDOFF_RESULT_TOPIC, "collector")));
    model.thenToolCall("h", "handoff", "{\"task\":\"read the scan\",\"required_capabilities\":[\"ocr\"]}", 50, 10)
        .thenAnswer("The scan says 42.", 30, 6)
        .thenAnswer("a second claimer must never get here", 1, 1);

    LoopResult r = await(llms.get(0).run(new AgentId("writer", "w1"), "Please read this scanned page of the grid report", null));
    assertThat(r.exit()).isEqualTo(LoopExit.HANDOFF);
    String offerId = r.payload().getString("id");
    String snapshotUri = r.payload().getString("snapshot");
    assertThat(snapshotUri).startsWith("gs://" + GcpEmulators.PROJECT + "-agent-context/snapshots/" + r.runId());

    until("the claimer's result", Duration.ofSeconds(20), () -> results.size() == 1);
    JsonObject result = results.get(0);
    assertThat(result.getString("offerId")).isEqualTo(offerId);
    assertThat(result.getString("exit")).isEqualTo("SATISFIED");
    assertThat(result.getString("claimedBy")).isIn("reader/" + offerId, "scanner/" + offerId, "painter/" + offerId);
    // the one claim is Firestore's, whichever node asks
    for (GoogleCloud gcp : clouds) {
      assertThat(await(gcp.offerLedger().claimant(offerId))).isEqualTo(result.getString("claimedBy"));
    }
    // exactly one model call after the handoff, and it saw the writer's conversation from the snapshot
    assertThat(model.received()).hasSize(2);
    String continued = model.received().get(1).body().encode();
    assertThat(continued).contains("Conversation so far").contains("Please read this scanned page of the grid report")
        .contains("read the scan");
    SnapshotStore.Versioned snap = await(await(clouds.get(1).snapshotStore()).load(snapshotUri));
    assertThat(snap.snapshot().runId()).isEqualTo(r.runId());
    assertThat(snap.snapshot().messages()).isNotEmpty();

    // both runs in Firestore: the writer's names its offer, the claimer's the run it continues
    JsonObject writerRun = await(clouds.get(1).runStore().get(r.runId()));
    assertThat(writerRun.getString("handoffOffer")).isEqualTo(offerId);
    assertThat(writerRun.getJsonObject("result").getString("exit")).isEqualTo("HANDOFF");
    JsonObject claimerRun = await(clouds.get(0).runStore().get(result.getString("runId")));
    assertThat(claimerRun.getString("continues")).isEqualTo(r.runId());
    assertThat(claimerRun.getString("agent")).isEqualTo(result.getString("claimedBy"));
  }
}
