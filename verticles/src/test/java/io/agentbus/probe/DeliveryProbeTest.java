package io.agentbus.probe;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

class DeliveryProbeTest {

  @Test
  void streamStatsCountDuplicatesReorderingAndGaps() {
    StreamStats s = new StreamStats();
    for (long seq : new long[] {1, 2, 4, 3, 3, 6}) {
      s.record(seq);
    }
    assertThat(s.toJson()).isEqualTo(new JsonObject().put("received", 5L).put("duplicates", 1L).put("reordered", 1L)
        .put("highest", 6L).put("missing", 1L));
  }

  @Test
  void streamStatsStayBoundedAndStillCountOldDuplicates() {
    StreamStats s = new StreamStats();
    long n = 5L * StreamStats.WINDOW;
    for (long seq = 1; seq <= n; seq++) {
      s.record(seq);
    }
    s.record(1);           // far below the window: a re-delivery
    s.record(n);           // inside it
    JsonObject j = s.toJson();
    assertThat(j.getLong("received")).isEqualTo(n);
    assertThat(j.getLong("duplicates")).isEqualTo(2);
    assertThat(j.getLong("missing")).isZero();
  }

  @Test
  void aNodesProbeSendsAndPublishesToItselfAndCountsWhatArrived() {
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
      DeliveryProbe probe = new DeliveryProbe(rt);
      await(node.vertx().deployVerticle(probe));
      until("ten acknowledged sends", Duration.ofSeconds(10), () -> probe.snapshot().getJsonObject("sent")
          .getJsonObject(node.id(), new JsonObject()).getLong("acknowledged", 0L) >= 10);
      JsonObject snap = probe.snapshot();
      JsonObject sent = snap.getJsonObject("sent").getJsonObject(node.id());
      JsonObject sends = snap.getJsonObject("received").getJsonObject(node.id() + "/send");
      JsonObject publishes = snap.getJsonObject("received").getJsonObject(node.id() + "/publish");
      assertThat(sent.getLong("failed")).isZero();
      assertThat(sends.getLong("received")).isGreaterThanOrEqualTo(10);
      assertThat(sends.getLong("duplicates")).isZero();
      assertThat(publishes.getLong("received")).isPositive();
      assertThat(publishes.getLong("reordered")).isZero();
      await(rt.close());
    } finally {
      await(node.close());
    }
  }
}
