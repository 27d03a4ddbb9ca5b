package io.agentbus.llm.handoff;

import io.agentbus.llm.FakeOpenAi;
import io.agentbus.llm.LlmClient;
import io.agentbus.llm.OpenAiOptions;
import io.agentbus.llm.loop.BudgetLedger;
import io.agentbus.llm.loop.LoopExit;
import io.agentbus.llm.loop.LoopOptions;
import io.agentbus.llm.loop.LoopResult;
import io.agentbus.llm.loop.MutableClock;
import io.agentbus.llm.loop.RunObserver;
import io.agentbus.llm.loop.ToolLoop;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.test.fakecluster.FakeClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** The handoff market on two (fake-cluster) nodes. */
class HandoffMarketTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private Vertx a;
  private Vertx b;
  private HandoffMarket marketA;
  private HandoffMarket marketB;

  @BeforeEach
  void start() {
    a = await(Vertx.builder().withClusterManager(new FakeClusterManager()).buildClustered());
    b = await(Vertx.builder().withClusterManager(new FakeClusterManager()).buildClustered());
    marketA = HandoffMarket.shared(a, clock);
    marketB = HandoffMarket.shared(b, clock);
  }

  @AfterEach
  void stop() {
    await(Future.all(a.close(), b.close()));
    FakeClusterManager.reset();
  }

  private HandoffOffer offer(String id, Set<String> caps, Duration ttl) {
    return new HandoffOffer(id, "writer/w1", "run-1", "read this scan", new JsonObject().put("page", 3), caps,
        clock.millis() + ttl.toMillis());
  }

  @Test
  void exactlyOneCapableClaimerWinsAcrossNodes() {
    List<HandoffOffer> seenOnB = new CopyOnWriteArrayList<>();
    await(marketB.onOffer(seenOnB::add));
    await(marketA.offer(offer("o1", Set.of("ocr", "image_processing"), Duration.ofMinutes(5))));
    until("the offer announced on the other node", Duration.ofSeconds(5), () -> seenOnB.size() == 1);
    assertThat(seenOnB.get(0).context().getInteger("page")).isEqualTo(3);

    List<Future<HandoffOffer>> claims = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      HandoffMarket m = i % 2 == 0 ? marketA : marketB;
      claims.add(m.claim("o1", "reader/r" + i, Set.of("ocr", "image_processing", "pdf")));
    }
    await(Future.join(claims).otherwiseEmpty());
    long won = claims.stream().filter(Future::succeeded).count();
    assertThat(won).isEqualTo(1);
    String winner = await(marketB.claimant("o1"));
    assertThat(winner).startsWith("reader/r");
    claims.stream().filter(Future::failed)
        .forEach(f -> assertThat(f.cause()).isInstanceOf(HandoffRefusedException.class).hasMessageContaining("already claimed by " + winner));
  }

  @Test
  void claimersWithoutTheCapabilitiesAreRefused() {
    await(marketA.offer(offer("o2", Set.of("ocr"), Duration.ofMinutes(5))));
    assertThat(awaitFailure(marketB.claim("o2", "calc/c1", Set.of("math")))).isInstanceOf(HandoffRefusedException.class)
        .hasMessageContaining("lacks capabilities [ocr]");
    assertThat(await(marketB.claim("o2", "reader/r1", Set.of("ocr"))).id()).isEqualTo("o2");
  }

  @Test
  void expiredAndUnknownOffersCannotBeClaimed() {
    await(marketA.offer(offer("o3", Set.of(), Duration.ofSeconds(30))));
    clock.advance(Duration.ofSeconds(31));
    assertThat(awaitFailure(marketB.claim("o3", "any/x", Set.of()))).hasMessageContaining("expired");
    assertThat(awaitFailure(marketB.claim("nope", "any/x", Set.of()))).hasMessageContaining("unknown or expired");
    assertThat(awaitFailure(marketA.offer(offer("o4", Set.of(), Duration.ofSeconds(-1))))).hasMessageContaining("already expired");
  }

  @Test
  void aModelsHandoffCallBecomesAnOfferAndEndsTheRun() {
    FakeOpenAi model = FakeOpenAi.start(a);
    try {
      model.thenToolCall("h1", ToolLoop.HANDOFF_TOOL,
          "{\"task\":\"extract the table\",\"required_capabilities\":[\"ocr\"],\"ttl_seconds\":60}", 20, 10);
      List<HandoffOffer> seen = new CopyOnWriteArrayList<>();
      await(marketB.onOffer(seen::add));
      ToolLoop loop = new ToolLoop("writer/w1", LlmClient.openAi(a, new OpenAiOptions().setBaseUrl(model.baseUrl())),
          BudgetLedger.shared(a, clock), marketA, new LoopOptions().setModel("m").setHandoffs(true), RunObserver.NONE, clock);
      LoopResult r = await(a.getOrCreateContext().<Future<LoopResult>>executeBlocking(() ->
          loop.run("run-h", "here is a scanned invoice", new JsonObject()), false).compose(f -> f));
      assertThat(r.exit()).isEqualTo(LoopExit.HANDOFF);
      HandoffOffer offer = HandoffOffer.fromJson(r.payload());
      assertThat(offer.requiredCapabilities()).containsExactly("ocr");
      assertThat(offer.task()).isEqualTo("extract the table");
      assertThat(offer.expiresAtMillis()).isEqualTo(clock.millis() + 60_000);
      until("announced", Duration.ofSeconds(5), () -> seen.size() == 1);
      assertThat(await(marketB.claim(offer.id(), "reader/r1", Set.of("ocr"))).runId()).isEqualTo("run-h");
      assertThat(model.received().get(0).body().getJsonArray("tools").encode()).contains("\"handoff\"");
    } finally {
      model.close();
    }
  }
}
