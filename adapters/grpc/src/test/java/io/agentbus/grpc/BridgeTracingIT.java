package io.agentbus.grpc;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.JsonPayload;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trace context JVM → unmodified Python AutoGen worker → JVM: the W3C context crosses the bridge
 * both ways. AutoGen's worker (0.7.5) begins a new trace for each message it receives, linked to
 * the sender's span, so the chain is two traces joined by a link: the JVM's (to the worker) and the
 * worker's, which the JVM continues as parent when the worker calls back.
 */
class BridgeTracingIT {

  @Test
  void aTraceRunsFromTheJvmThroughAPythonWorkerBackToTheJvm() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions().setOpenTelemetry(sdk)));
      await(rt.register("jvmend", id -> new Agent() {
        @Override
        public Handlers handlers() {
          return Handlers.builder().onJson("Relay", (data, ctx) -> new JsonPayload("Relay",
              new JsonObject().put("text", data.getString("text") + ">jvm"))).build();
        }
      }));
      AgentRpcHost host = await(AgentRpcHost.start(rt, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)));
      Path file = Files.createTempFile("agentbus", ".py");
      try (var in = BridgeTracingIT.class.getResourceAsStream("/python/trace_relay.py")) {
        Files.write(file, in.readAllBytes());
      }
      Process p = new ProcessBuilder(PythonEnv.python(), file.toString(), "127.0.0.1:" + host.port())
          .redirectError(new File("target/trace_relay.py.stderr.log")).start();
      try {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(r.readLine()).isEqualTo("READY");
        until("the worker's agent type", Duration.ofSeconds(10), () -> rt.ownerOf(new AgentId("pyrelay", "k")) != null);

        Span root = sdk.getTracer("test").spanBuilder("operator request").startSpan();
        JsonPayload answer;
        try (Scope ignored = root.makeCurrent()) {
          answer = await(rt.send(new JsonPayload("Relay", new JsonObject().put("text", "jvm")), new AgentId("pyrelay", "k"), null,
              JsonPayload.class));
        } finally {
          root.end();
        }
        assertThat(answer.data().getString("text")).isEqualTo("jvm>py>jvm");

        String trace = root.getSpanContext().getTraceId();
        until("the JVM end's span", Duration.ofSeconds(5), () -> spans.getFinishedSpanItems().stream()
            .anyMatch(s -> s.getName().equals("process jvmend")));
        List<SpanData> all = spans.getFinishedSpanItems();
        SpanData end = all.stream().filter(s -> s.getName().equals("process jvmend")).findFirst().orElseThrow();
        SpanData out = all.stream().filter(s -> s.getName().equals("send pyrelay")).findFirst().orElseThrow();
        SpanData back = all.stream().filter(s -> s.getName().equals("send jvmend")).findFirst().orElseThrow();
        assertThat(out.getTraceId()).isEqualTo(trace);
        assertThat(out.getParentSpanId()).isEqualTo(root.getSpanContext().getSpanId());

        p.getOutputStream().write('\n');
        p.getOutputStream().flush();
        String line = r.readLine();
        assertThat(line).startsWith("SPANS ");
        io.vertx.core.json.JsonArray py = new io.vertx.core.json.JsonArray(line.substring(6));
        // the worker received our context: its span for our request links to the JVM's trace
        JsonObject received = py.stream().map(JsonObject.class::cast).filter(s -> s.getJsonArray("links").contains(trace))
            .findFirst().orElseThrow(() -> new AssertionError("no worker span links to the JVM trace: " + py));
        String pyTrace = received.getString("trace");
        // the worker's RPC carried its context: the bridge's send and the JVM handler continue the worker's trace
        assertThat(back.getTraceId()).isEqualTo(pyTrace);
        assertThat(py.stream().map(JsonObject.class::cast).map(s -> s.getString("span"))).contains(back.getParentSpanId());
        assertThat(end.getTraceId()).isEqualTo(pyTrace);
        assertThat(end.getParentSpanId()).isEqualTo(back.getSpanId());
        p.getOutputStream().write('\n');
        p.getOutputStream().flush();
        p.waitFor(10, TimeUnit.SECONDS);
      } finally {
        p.destroyForcibly();
        await(host.close());
      }
    } finally {
      await(node.close());
      sdk.close();
    }
  }
}
