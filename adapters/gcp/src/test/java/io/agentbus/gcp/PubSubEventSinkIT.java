package io.agentbus.gcp;

import io.agentbus.llm.agent.Intention;
import io.agentbus.llm.agent.ToolAudit;
import io.agentbus.llm.events.EventSink;
import io.agentbus.llm.handoff.HandoffMarket;
import io.agentbus.llm.handoff.HandoffOffer;
import io.agentbus.llm.handoff.HandoffRefusedException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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
 * The Pub/Sub sink on the emulator: events reach the workspace's three topics as JSON with the run
 * as ordering key; an offer made in one deployment is adopted by another (its own subscription),
 * never imported back by its origin, and with a shared Firestore ledger claimed exactly once
 * across both.
 */
class PubSubEventSinkIT {

  private final String workspace = "ws" + UUID.randomUUID().toString().substring(0, 8);
  private Vertx alpha;
  private Vertx beta;
  private final List<GoogleCloud> clouds = new ArrayList<>();
  private final List<EventSink> sinks = new ArrayList<>();
  private final List<HandoffMarket> markets = new ArrayList<>();

  @BeforeEach
  void start() {
    alpha = Vertx.vertx();
    beta = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    await(Future.join(sinks.stream().map(EventSink::close).toList()));
    await(Future.join(markets.stream().map(HandoffMarket::close).toList()));
    await(Future.join(clouds.stream().map(GoogleCloud::close).toList()));
    await(Future.join(alpha.close(), beta.close()));
  }

  private GoogleCloud cloud(Vertx vertx, String deployment) {
    GoogleCloud c = GoogleCloud.create(vertx, GcpEmulators.get().options().setWorkspace(workspace).setDeployment(deployment));
    clouds.add(c);
    return c;
  }

  private final PubSubWatcher watcher = new PubSubWatcher(GcpEmulators.get().pubsubHost());

  private void subscribe(String subscription, String topic) {
    watcher.subscribe(subscription, topic);
  }

  private List<JsonObject> pull(String subscription, int atLeast) {
    return watcher.pull(subscription, atLeast);
  }

  private static JsonObject data(JsonObject message) {
    return PubSubWatcher.data(message);
  }

  @Test
  void eventsReachTheWorkspaceTopicsWithTheRunAsOrderingKey() {
    GoogleCloud gcp = cloud(alpha, "alpha");
    EventSink sink = await(gcp.eventSink(null));
    sinks.add(sink);
    subscribe(workspace + "-t-int", workspace);
    subscribe(workspace + "-t-tools", workspace + "-tools");
    subscribe(workspace + "-t-handoff", workspace + "-handoff");
    for (int i = 1; i <= 3; i++) {
      await(sink.intention("assistant", new Intention("run-1", "assistant/alice", "2026-12-01T10:00:0" + i + "Z", i == 3 ? 1.0 : 0.5,
          new JsonObject().put("iteration", i).put("content", "step " + i))));
    }
    await(sink.toolAudit("assistant", new ToolAudit("run-1", "assistant/alice", "market_state", new JsonObject(), "ok",
        new JsonObject().put("price", 42), 3)));
    HandoffOffer offer = new HandoffOffer("o-" + UUID.randomUUID(), "assistant/alice", "run-1", "read the scan", null,
        Set.of("ocr"), System.currentTimeMillis() + 60_000, "gs://b/snapshots/run-1.json");
    await(sink.handoffOffered(offer));

    List<JsonObject> intentions = pull(workspace + "-t-int", 3);
    assertThat(intentions).extracting(m -> data(m).getJsonObject("payload").getInteger("iteration")).containsExactly(1, 2, 3);
    assertThat(intentions).allSatisfy(m -> {
      assertThat(m.getString("orderingKey")).isEqualTo("run-1");
      assertThat(m.getJsonObject("attributes").getString("kind")).isEqualTo("intention");
      assertThat(m.getJsonObject("attributes").getString("origin")).isEqualTo("alpha");
    });
    assertThat(data(intentions.get(2)).getMap()).containsEntry("attention_weight", 1.0).containsEntry("source_agent", "assistant/alice");
    assertThat(data(pull(workspace + "-t-tools", 1).get(0)).getMap()).containsEntry("tool", "market_state").containsEntry("outcome", "ok");
    assertThat(HandoffOffer.fromJson(data(pull(workspace + "-t-handoff", 1).get(0)))).isEqualTo(offer);
  }

  @Test
  void anOfferOfOneDeploymentIsAdoptedByTheOtherAndClaimedOnce() {
    Clock clock = Clock.systemUTC();
    GoogleCloud gcpA = cloud(alpha, "alpha");
    GoogleCloud gcpB = cloud(beta, "beta");
    HandoffMarket marketA = HandoffMarket.on(alpha, clock, gcpA.offerLedger());
    HandoffMarket marketB = HandoffMarket.on(beta, clock, gcpB.offerLedger());
    markets.add(marketA);
    markets.add(marketB);
    List<HandoffOffer> seenA = new CopyOnWriteArrayList<>();
    List<HandoffOffer> seenB = new CopyOnWriteArrayList<>();
    await(marketA.onOffer(seenA::add));
    await(marketB.onOffer(seenB::add));
    EventSink sinkA = await(gcpA.eventSink(marketA));
    EventSink sinkB = await(gcpB.eventSink(marketB));
    sinks.add(sinkA);
    sinks.add(sinkB);

    HandoffOffer offer = new HandoffOffer("o-" + UUID.randomUUID(), "assistant/alice", "run-7", "summarize the grid", null,
        Set.of("market"), clock.millis() + 60_000);
    await(marketA.offer(offer));
    await(sinkA.handoffOffered(offer));

    until("beta adopts alpha's offer", Duration.ofSeconds(20), () -> seenB.contains(offer));
    assertThat(gcpB.importedOffers()).isEqualTo(1);
    assertThat(seenA).containsExactly(offer);  // its own announcement, not imported back
    assertThat(gcpA.importedOffers()).isZero();

    List<Future<HandoffOffer>> claims = List.of(marketA.claim(offer.id(), "assistant/a1", Set.of("market")),
        marketB.claim(offer.id(), "assistant/b1", Set.of("market")), marketB.claim(offer.id(), "assistant/b2", Set.of("market")));
    await(Future.join(claims).otherwiseEmpty());
    assertThat(claims.stream().filter(Future::succeeded)).hasSize(1);
    assertThat(claims.stream().filter(Future::failed)).allMatch(f -> f.cause() instanceof HandoffRefusedException);
    String winner = await(marketA.claimant(offer.id()));
    assertThat(await(marketB.claimant(offer.id()))).isEqualTo(winner);
  }
}
