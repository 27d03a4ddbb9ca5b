package io.agentbus.llm.tracing;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.JsonPayload;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.llm.FakeOpenAi;
import io.agentbus.llm.LlmClient;
import io.agentbus.llm.OpenAiOptions;
import io.agentbus.llm.RiskLevel;
import io.agentbus.llm.ToolSpec;
import io.agentbus.llm.agent.LlmAgents;
import io.agentbus.llm.agent.RunStore;
import io.agentbus.llm.handoff.HandoffMarket;
import io.agentbus.llm.loop.BudgetLedger;
import io.agentbus.llm.loop.LoopExit;
import io.agentbus.llm.loop.LoopOptions;
import io.agentbus.llm.loop.LoopResult;
import io.agentbus.llm.loop.LoopTelemetry;
import io.agentbus.llm.loop.Tool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
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
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One trace across two nodes, exported over real OTLP/HTTP to an in-process receiver: a run on
 * node A whose tool sends to an agent that lives on node B.
 */
class TracingAcrossNodesTest {

  private final List<Node> nodes = new ArrayList<>();
  private final List<AgentRuntime> runtimes = new ArrayList<>();
  private final List<OpenTelemetrySdk> sdks = new ArrayList<>();
  private Vertx side;
  private OtlpReceiver receiver;
  private FakeOpenAi model;
  private LlmAgents llm;

  @BeforeEach
  void start() {
    side = Vertx.vertx();
    receiver = await(OtlpReceiver.start(side));
    for (int i = 0; i < 2; i++) {
      OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .setTracerProvider(SdkTracerProvider.builder()
              .setResource(Resource.create(Attributes.builder().put("service.name", "agentbus").put("service.instance.id", "n" + i).build()))
              .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                  .setEndpoint(receiver.endpoint() + "/v1/traces").build()).setScheduleDelay(Duration.ofMillis(100)).build()).build()).build();
      sdks.add(sdk);
      Vertx v = await(Vertx.builder().withClusterManager(new FakeClusterManager()).buildClustered());
      Node n = await(Node.attach(v, new NodeOptions().setNodeName("n" + i)));
      nodes.add(n);
      runtimes.add(await(AgentRuntime.create(n, new AgentRuntimeOptions().setOpenTelemetry(sdk))));
    }
    model = FakeOpenAi.start(side);
    Vertx a = nodes.get(0).vertx();
    llm = await(LlmAgents.install(runtimes.get(0), LlmClient.openAi(a, new OpenAiOptions().setBaseUrl(model.baseUrl()).setMaxRetries(0)),
        BudgetLedger.shared(a, Clock.systemUTC()), HandoffMarket.shared(a, Clock.systemUTC()), RunStore.shared(a), Clock.systemUTC()))
        .telemetry(LoopTelemetry.of(sdks.get(0), new SimpleMeterRegistry()));
  }

  @AfterEach
  void stop() {
    model.close();
    await(llm.close());
    for (int i = 0; i < nodes.size(); i++) {
      await(runtimes.get(i).close());
      await(nodes.get(i).close());
      sdks.get(i).close();
    }
    FakeClusterManager.reset();
    await(receiver.close());
    await(side.close());
  }

  @Test
  void aRunWhoseToolCallsAnotherNodeIsOneTrace() {
    // the echo agent lives on node B only
    await(runtimes.get(1).register("echo", id -> new Agent() {
      @Override
      public Handlers handlers() {
        return Handlers.builder().onJson("Ask", (data, ctx) -> new JsonPayload("Echo", data.copy().put("echoed", true))).build();
      }
    }));
    AgentRuntime a = runtimes.get(0);
    await(llm.register("assistant", new LoopOptions().setModel("m").addTool(Tool.async(new ToolSpec("ask_echo",
        "asks the echo agent", null, RiskLevel.LOW), args -> a.send(new JsonPayload("Ask", new JsonObject().put("q", 1)),
            new AgentId("echo", "e1"), null, JsonPayload.class).map(JsonPayload::data))), Set.of("chat")));
    model.thenToolCall("c1", "ask_echo", "{}", 100, 10).thenAnswer("echo says yes", 120, 5);

    LoopResult r = await(llm.run(new AgentId("assistant", "alice"), "ask the echo", null));
    assertThat(r.exit()).isEqualTo(LoopExit.SATISFIED);
    assertThat(r.errors()).isEmpty();

    List<String> expected = List.of("send assistant", "process assistant", "invoke_agent assistant", "chat m", "execute_tool ask_echo",
        "send echo", "process echo");
    try {
      until("the spans of the run", Duration.ofSeconds(10), () -> receiver.spans().stream().map(OtlpReceiver.ReceivedSpan::name)
          .collect(Collectors.toSet()).containsAll(expected) && receiver.spans().stream().filter(s -> s.name().equals("chat m")).count() == 2);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; received " + receiver.spans().stream().map(OtlpReceiver.ReceivedSpan::name).toList(), e);
    }
    List<OtlpReceiver.ReceivedSpan> spans = receiver.spans();
    Map<String, OtlpReceiver.ReceivedSpan> byName = spans.stream().collect(Collectors.toMap(OtlpReceiver.ReceivedSpan::name,
        Function.identity(), (x, y) -> x));
    Map<String, OtlpReceiver.ReceivedSpan> byId = spans.stream().collect(Collectors.toMap(OtlpReceiver.ReceivedSpan::spanId,
        Function.identity()));
    String trace = byName.get("send assistant").traceId();
    assertThat(spans).as("one trace").allSatisfy(s -> assertThat(s.traceId()).isEqualTo(trace));
    // the chain of parents, across the node boundary
    assertThat(parentOf(byId, byName.get("process echo")).name()).isEqualTo("send echo");
    assertThat(parentOf(byId, byName.get("send echo")).name()).isEqualTo("execute_tool ask_echo");
    assertThat(parentOf(byId, byName.get("execute_tool ask_echo")).name()).isEqualTo("invoke_agent assistant");
    assertThat(parentOf(byId, byName.get("invoke_agent assistant")).name()).isEqualTo("process assistant");
    assertThat(parentOf(byId, byName.get("process assistant")).name()).isEqualTo("send assistant");
    assertThat(byName.get("process echo").resource()).containsEntry("service.instance.id", "n1");
    assertThat(byName.get("execute_tool ask_echo").resource()).containsEntry("service.instance.id", "n0");
    // GenAI attributes
    OtlpReceiver.ReceivedSpan firstChat = spans.stream().filter(s -> s.name().equals("chat m"))
        .filter(s -> "100".equals(s.attr("gen_ai.usage.input_tokens"))).findFirst().orElseThrow();
    assertThat(firstChat.attributes()).containsEntry("gen_ai.operation.name", "chat").containsEntry("gen_ai.request.model", "m")
        .containsEntry("gen_ai.usage.output_tokens", "10").containsEntry("gen_ai.response.finish_reasons", "[tool_calls]");
    assertThat(firstChat.kind()).isEqualTo("SPAN_KIND_CLIENT");
    assertThat(byName.get("execute_tool ask_echo").attributes()).containsEntry("gen_ai.tool.name", "ask_echo")
        .containsEntry("gen_ai.tool.call.id", "c1").containsEntry("agentbus.tool.outcome", "ok");
    assertThat(byName.get("invoke_agent assistant").attributes()).containsEntry("gen_ai.agent.name", "assistant")
        .containsEntry("gen_ai.conversation.id", r.runId()).containsEntry("agentbus.loop.exit", "SATISFIED");
    assertThat(byName.get("process echo").kind()).isEqualTo("SPAN_KIND_SERVER");
  }

  private static OtlpReceiver.ReceivedSpan parentOf(Map<String, OtlpReceiver.ReceivedSpan> byId, OtlpReceiver.ReceivedSpan s) {
    OtlpReceiver.ReceivedSpan p = byId.get(s.parentSpanId());
    assertThat(p).as("parent of " + s.name()).isNotNull();
    return p;
  }
}
