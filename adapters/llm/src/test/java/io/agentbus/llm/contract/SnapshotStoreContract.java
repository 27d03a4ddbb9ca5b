package io.agentbus.llm.contract;

import io.agentbus.llm.ChatMessage;
import io.agentbus.llm.ToolCall;
import io.agentbus.llm.snapshot.ContextSnapshot;
import io.agentbus.llm.snapshot.SnapshotConflictException;
import io.agentbus.llm.snapshot.SnapshotRef;
import io.agentbus.llm.snapshot.SnapshotStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link SnapshotStore} does; a store's test extends this and says how to make one. */
public abstract class SnapshotStoreContract {

  protected Vertx vertx;
  protected SnapshotStore store;
  private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);

  /** @return a store on {@code vertx} */
  protected abstract SnapshotStore newStore(Vertx vertx);

  @BeforeEach
  void startStore() {
    vertx = Vertx.vertx();
    store = newStore(vertx);
  }

  @AfterEach
  void stopStore() {
    await(store.close());
    await(vertx.close());
  }

  private static ContextSnapshot snapshot(String run, int messages) {
    List<ChatMessage> list = new ArrayList<>();
    list.add(ChatMessage.system("instructions are not kept"));
    for (int i = 0; i < messages; i++) {
      list.add(ChatMessage.user("question " + i));
      list.add(ChatMessage.assistant("", List.of(new ToolCall("c" + i, "market_state", new JsonObject().put("i", i)))));
      list.add(ChatMessage.tool("c" + i, "{\"price\":" + i + "}"));
    }
    return new ContextSnapshot(run, "assistant/alice", list, 1_700_000_000_000L);
  }

  @Test
  void aSavedSnapshotLoadsBackWithItsGeneration() {
    ContextSnapshot s = snapshot("run-1", 2);
    SnapshotRef ref = await(store.save(prefix + "/run-1", s, 0));
    assertThat(ref.uri()).isEqualTo(store.uriOf(prefix + "/run-1"));
    SnapshotStore.Versioned back = await(store.load(ref.uri()));
    assertThat(back.snapshot()).isEqualTo(s);
    assertThat(back.ref()).isEqualTo(ref);
    assertThat(back.snapshot().messages()).hasSize(6).noneMatch(m -> m.role() == io.agentbus.llm.Role.SYSTEM);
  }

  @Test
  void keepsTheLastTwentyMessages() {
    ContextSnapshot s = snapshot("run-2", 10);
    assertThat(s.messages()).hasSize(ContextSnapshot.MAX_MESSAGES);
    SnapshotRef ref = await(store.save(prefix + "/run-2", s, 0));
    assertThat(await(store.load(ref.uri())).snapshot().messages().get(19).content()).isEqualTo("{\"price\":9}");
  }

  @Test
  void creatingTwiceConflicts() {
    await(store.save(prefix + "/run-3", snapshot("run-3", 1), 0));
    assertThat(awaitFailure(store.save(prefix + "/run-3", snapshot("run-3", 2), 0))).isInstanceOf(SnapshotConflictException.class);
    assertThat(await(store.load(store.uriOf(prefix + "/run-3"))).snapshot().messages()).hasSize(3);
  }

  @Test
  void anUpdateNamesTheGenerationItRead() {
    SnapshotRef first = await(store.save(prefix + "/run-4", snapshot("run-4", 1), 0));
    SnapshotRef second = await(store.save(prefix + "/run-4", snapshot("run-4", 2), first.generation()));
    assertThat(second.generation()).isNotEqualTo(first.generation());
    // a writer that still holds the first generation loses, and its write is not applied
    assertThat(awaitFailure(store.save(prefix + "/run-4", snapshot("run-4", 3), first.generation())))
        .isInstanceOf(SnapshotConflictException.class);
    assertThat(await(store.load(second.uri())).snapshot().messages()).hasSize(6);
  }

  @Test
  void ofTwoConcurrentCreatesExactlyOneWins() {
    List<Future<SnapshotRef>> racers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      racers.add(store.save(prefix + "/run-5", snapshot("run-5", i + 1), 0));
    }
    await(Future.join(racers).otherwiseEmpty());
    assertThat(racers.stream().filter(Future::succeeded)).hasSize(1);
    assertThat(racers.stream().filter(Future::failed)).allMatch(f -> f.cause() instanceof SnapshotConflictException);
  }

  @Test
  void aMissingSnapshotIsNull() {
    assertThat(await(store.load(store.uriOf(prefix + "/none")))).isNull();
  }

  @Test
  void badKeysAndForeignUrisAreRefused() {
    assertThat(awaitFailure(store.save("../escape", snapshot("x", 1), 0))).isInstanceOf(IllegalArgumentException.class);
    assertThat(awaitFailure(store.save("", snapshot("x", 1), 0))).isInstanceOf(IllegalArgumentException.class);
    assertThat(awaitFailure(store.load("ftp://elsewhere/x"))).isInstanceOf(IllegalArgumentException.class);
  }
}
