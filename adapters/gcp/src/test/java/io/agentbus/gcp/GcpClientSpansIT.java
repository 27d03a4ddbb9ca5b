package io.agentbus.gcp;

import io.agentbus.llm.ChatMessage;
import io.agentbus.llm.snapshot.ContextSnapshot;
import io.agentbus.llm.snapshot.SnapshotStore;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** The Google clients report their calls as child spans of the caller's span (emulators). */
class GcpClientSpansIT {

  @Test
  void firestoreAndStorageCallsAreChildrenOfTheCallersSpan() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    Vertx vertx = Vertx.vertx();
    GoogleCloud gcp = GoogleCloud.create(vertx, GcpEmulators.get().options().setOpenTelemetry(sdk));
    try {
      SnapshotStore snapshots = await(gcp.snapshotStore());
      Span parent = sdk.getTracer("test").spanBuilder("invoke_agent test").startSpan();
      String run = "spans-" + UUID.randomUUID();
      Future<Void> saved;
      Future<?> snap;
      try (Scope ignored = parent.makeCurrent()) {
        saved = gcp.runStore().save(new JsonObject().put("runId", run).put("startedAtMillis", 1L));
        snap = snapshots.save(run, new ContextSnapshot(run, "a/b", List.of(ChatMessage.user("hi")), 1), 0);
      }
      await(saved);
      await(snap);
      parent.end();
      String trace = parent.getSpanContext().getTraceId();
      until("client spans under the caller's", Duration.ofSeconds(10), () -> spans.getFinishedSpanItems().stream()
          .filter(s -> s.getTraceId().equals(trace) && !s.getName().equals("invoke_agent test")).count() >= 3);
      List<SpanData> children = spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(trace))
          .filter(s -> !s.getName().equals("invoke_agent test")).toList();
      // the run store's read and its batched commit (issued after the read completed), the snapshot's create
      assertThat(children).extracting(SpanData::getName).contains("DocumentReference.Get", "com.google.cloud.storage.Storage/create")
          .anyMatch(n -> n.startsWith("WriteBatch") || n.contains("Commit") || n.contains("Batch"));
      assertThat(children).allSatisfy(s -> assertThat(s.getParentSpanId()).isNotEqualTo(io.opentelemetry.api.trace.SpanId.getInvalid()));
    } finally {
      await(gcp.close());
      await(vertx.close());
      sdk.close();
    }
  }
}
