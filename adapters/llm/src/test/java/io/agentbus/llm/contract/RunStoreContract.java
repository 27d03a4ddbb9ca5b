package io.agentbus.llm.contract;

import io.agentbus.llm.agent.RunStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link RunStore} does; a store's test extends this and says how to make one.
 * Run ids are unique per test so a shared backend (an emulator) needs no reset.
 */
public abstract class RunStoreContract {

  protected Vertx vertx;
  protected RunStore store;
  private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);

  /** @return a store on {@code vertx} */
  protected abstract RunStore newStore(Vertx vertx);

  @BeforeEach
  void startStore() {
    vertx = Vertx.vertx();
    store = newStore(vertx);
  }

  @AfterEach
  void stopStore() {
    await(vertx.close());
  }

  private JsonObject run(String id, long started) {
    JsonArray interactions = new JsonArray()
        .add(new JsonObject().put("kind", "intention").put("iteration", 1).put("content", "calling the tool").put("tokens", 42))
        .add(new JsonObject().put("kind", "tool").put("tool", "market_state").put("outcome", "ok").put("millis", 3))
        .add(new JsonObject().put("kind", "intention").put("iteration", 2).put("content", "done").put("tokens", 7));
    return new JsonObject().put("runId", id).put("agent", "assistant/alice").put("message", "what is the price? 名前")
        .put("startedAtMillis", started).put("finishedAtMillis", started + 10)
        .put("result", new JsonObject().put("exit", "SATISFIED").put("totalTokens", 49)
            .put("payload", new JsonObject().put("matrix", new JsonArray().add(new JsonArray().add(1).add(2)))))
        .put("interactions", interactions);
  }

  @Test
  void aSavedRunReadsBackWhole() {
    JsonObject doc = run(prefix + "-a", 1_000);
    await(store.save(doc));
    assertThat(await(store.get(prefix + "-a"))).isEqualTo(doc);
  }

  @Test
  void savingAgainReplacesTheRun() {
    await(store.save(run(prefix + "-b", 1_000)));
    JsonObject second = run(prefix + "-b", 2_000).put("interactions", new JsonArray()
        .add(new JsonObject().put("kind", "intention").put("iteration", 1).put("content", "only one").put("tokens", 1)));
    await(store.save(second));
    assertThat(await(store.get(prefix + "-b"))).isEqualTo(second);
  }

  @Test
  void anUnknownRunIsNull() {
    assertThat(await(store.get(prefix + "-none"))).isNull();
  }

  @Test
  void aRunWithoutIdIsRefused() {
    assertThat(awaitFailure(store.save(new JsonObject().put("agent", "x")))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void recentListsNewestFirst() {
    long base = System.currentTimeMillis() + 10_000_000_000L;  // newer than any other test's runs
    for (int i = 0; i < 5; i++) {
      await(store.save(run(prefix + "-r" + i, base + i)));
    }
    List<JsonObject> recent = await(store.recent(3));
    assertThat(recent).extracting(r -> r.getString("runId")).containsExactly(prefix + "-r4", prefix + "-r3", prefix + "-r2");
  }
}
