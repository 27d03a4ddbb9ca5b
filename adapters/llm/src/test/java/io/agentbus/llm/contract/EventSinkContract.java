package io.agentbus.llm.contract;

import io.agentbus.llm.agent.BudgetWarning;
import io.agentbus.llm.agent.Intention;
import io.agentbus.llm.agent.ToolAudit;
import io.agentbus.llm.events.EventSink;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link EventSink} does: each intention, audit record and budget warning it accepts
 * reaches a watcher of its destination, whole, and one run's intentions in the order published.
 * A sink's test extends this, says how to make one and how to watch what it published.
 */
public abstract class EventSinkContract {

  /** What a watcher saw: the kind ({@code intention}, {@code tool_audit}, {@code budget_warning}) and the fields. */
  public record Seen(String kind, JsonObject fields) {
  }

  /** @return the sink under test (started), watched by {@link #seen()} from now on */
  protected abstract EventSink sink();

  /** @return everything watched so far, in arrival order */
  protected abstract List<Seen> seen();

  @Test
  void everyEventReachesItsWatcherWholeAndARunsIntentionsInOrder() {
    EventSink sink = sink();
    String run = "run-" + UUID.randomUUID();
    for (int i = 1; i <= 5; i++) {
      await(sink.intention("assistant", new Intention(run, "assistant/alice", "2026-12-01T10:00:0" + i + "Z", i == 5 ? 1.0 : 0.5,
          new JsonObject().put("iteration", i).put("content", "step " + i))));
    }
    await(sink.toolAudit("assistant", new ToolAudit(run, "assistant/alice", "market_state", new JsonObject().put("x", 1), "ok",
        new JsonObject().put("price", 42), 3)));
    await(sink.budgetWarning(new BudgetWarning("fleet", 0.82, 1.0, run, "assistant/alice", "2026-12-01T10:00:06Z")));

    until("all seven events", Duration.ofSeconds(20), () -> seen().stream().filter(s -> run.equals(runOf(s))).count() >= 7);
    List<Seen> mine = seen().stream().filter(s -> run.equals(runOf(s))).toList();
    assertThat(mine.stream().filter(s -> s.kind().equals("intention")).map(s -> s.fields().getJsonObject("payload")
        .getInteger("iteration"))).containsExactly(1, 2, 3, 4, 5);
    Seen last = mine.stream().filter(s -> s.kind().equals("intention")).reduce((a, b) -> b).orElseThrow();
    assertThat(last.fields().getDouble("attention_weight")).isEqualTo(1.0);
    assertThat(last.fields().getString("source_agent")).isEqualTo("assistant/alice");
    Seen audit = mine.stream().filter(s -> s.kind().equals("tool_audit")).findFirst().orElseThrow();
    assertThat(audit.fields().getString("tool")).isEqualTo("market_state");
    assertThat(audit.fields().getJsonObject("detail")).isEqualTo(new JsonObject().put("price", 42));
    Seen warning = mine.stream().filter(s -> s.kind().equals("budget_warning")).findFirst().orElseThrow();
    assertThat(warning.fields().getString("scope")).isEqualTo("fleet");
  }

  private static String runOf(Seen s) {
    return s.fields().getString("run_id", s.fields().getString("runId"));
  }
}
