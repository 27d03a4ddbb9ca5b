package io.agentbus.llm.loop;

import io.agentbus.llm.ChatCompletion;
import io.agentbus.llm.ToolCall;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The tool loop's traces and metrics, named by the OpenTelemetry GenAI semantic conventions: a
 * span per run ({@code invoke_agent {agent type}}), per model call ({@code chat {model}}, with
 * {@code gen_ai.request.model}, {@code gen_ai.usage.input_tokens},
 * {@code gen_ai.usage.output_tokens}, {@code gen_ai.response.finish_reasons}) and per tool call
 * ({@code execute_tool {tool}}); the histograms {@code gen_ai.client.token.usage} and
 * {@code gen_ai.client.operation.duration} on the meter registry (on {@code /metrics} as
 * {@code gen_ai_client_token_usage} and {@code gen_ai_client_operation_duration_seconds}).
 *
 * <p>A tool runs with its span current, so what it sends through the agent runtime joins the
 * run's trace (across nodes, through the bridge).
 */
public final class LoopTelemetry {

  /** No spans, no metrics. */
  public static final LoopTelemetry NONE = new LoopTelemetry(OpenTelemetry.noop(), null);

  private static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
  private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576};
  private static final Duration[] DURATION_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40),
      Duration.ofMillis(80), Duration.ofMillis(160), Duration.ofMillis(320), Duration.ofMillis(640), Duration.ofMillis(1280),
      Duration.ofMillis(2560), Duration.ofMillis(5120), Duration.ofMillis(10240), Duration.ofMillis(20480),
      Duration.ofMillis(40960), Duration.ofMillis(81920)};

  private final boolean tracing;
  private final Tracer tracer;
  private final MeterRegistry registry;
  /** Meters by model (and error type, token type): built once, not on every call. */
  private final java.util.Map<String, Timer> durations = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, DistributionSummary> tokenUsage = new java.util.concurrent.ConcurrentHashMap<>();

  private LoopTelemetry(OpenTelemetry otel, MeterRegistry registry) {
    this.tracing = otel != OpenTelemetry.noop();
    this.tracer = otel.getTracer("io.agentbus.llm");
    this.registry = registry;
  }

  /**
   * @param otel where spans go ({@code OpenTelemetry.noop()} for none)
   * @param registry where the GenAI metrics go (null for none)
   * @return the telemetry
   */
  public static LoopTelemetry of(OpenTelemetry otel, MeterRegistry registry) {
    return new LoopTelemetry(otel, registry);
  }

  Span run(Context parent, String agent, String runId) {
    if (!tracing) {
      return Span.getInvalid();
    }
    String type = agent.contains("/") ? agent.substring(0, agent.indexOf('/')) : agent;
    return tracer.spanBuilder("invoke_agent " + type).setParent(parent).setSpanKind(SpanKind.INTERNAL)
        .setAttribute("gen_ai.operation.name", "invoke_agent").setAttribute("gen_ai.agent.name", type)
        .setAttribute("gen_ai.agent.id", agent).setAttribute("gen_ai.conversation.id", runId).startSpan();
  }

  void runEnded(Span span, LoopResult result) {
    if (!tracing) {
      return;
    }
    span.setAttribute("agentbus.loop.exit", result.exit().name()).setAttribute("agentbus.loop.iterations", result.iterations())
        .setAttribute("agentbus.loop.tool_calls", result.toolCalls());
    if (result.exit() == LoopExit.ERROR) {
      span.setStatus(StatusCode.ERROR, String.join("; ", result.errors()));
    }
    span.end();
  }

  Span chat(Span run, String model, int maxTokens) {
    if (!tracing) {
      return Span.getInvalid();
    }
    return tracer.spanBuilder("chat " + model).setParent(Context.root().with(run)).setSpanKind(SpanKind.CLIENT)
        .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", model).setAttribute("gen_ai.request.max_tokens", maxTokens).startSpan();
  }

  void chatEnded(Span span, String model, ChatCompletion completion, Throwable error, long nanos) {
    if (registry != null) {
      String outcome = error == null ? "" : error.getClass().getSimpleName();
      durations.computeIfAbsent(model + '\u0000' + outcome, k -> Timer.builder("gen_ai.client.operation.duration")
          .description("GenAI operation duration (one model call)").tag("gen_ai.operation.name", "chat")
          .tag("gen_ai.request.model", model).tag("error.type", outcome).serviceLevelObjectives(DURATION_BUCKETS).register(registry))
          .record(nanos, TimeUnit.NANOSECONDS);
      if (completion != null) {
        tokens(model, "input", completion.usage().promptTokens());
        tokens(model, "output", completion.usage().completionTokens());
      }
    }
    if (!tracing) {
      return;
    }
    if (completion != null) {
      span.setAttribute("gen_ai.response.model", completion.model())
          .setAttribute("gen_ai.usage.input_tokens", completion.usage().promptTokens())
          .setAttribute("gen_ai.usage.output_tokens", completion.usage().completionTokens())
          .setAttribute(FINISH_REASONS, List.of(completion.finishReason()));
    } else {
      span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage())).setAttribute("error.type", error.getClass().getName());
    }
    span.end();
  }

  private void tokens(String model, String type, long count) {
    tokenUsage.computeIfAbsent(model + '\u0000' + type, k -> DistributionSummary.builder("gen_ai.client.token.usage")
        .description("GenAI tokens used per model call, by input and output").tag("gen_ai.operation.name", "chat")
        .tag("gen_ai.request.model", model).tag("gen_ai.token.type", type).serviceLevelObjectives(TOKEN_BUCKETS).register(registry))
        .record(count);
  }

  Span tool(Span run, ToolCall call) {
    if (!tracing) {
      return Span.getInvalid();
    }
    return tracer.spanBuilder("execute_tool " + call.name()).setParent(Context.root().with(run)).setSpanKind(SpanKind.INTERNAL)
        .setAttribute("gen_ai.operation.name", "execute_tool").setAttribute("gen_ai.tool.name", call.name())
        .setAttribute("gen_ai.tool.call.id", call.id()).setAttribute("gen_ai.tool.type", "function").startSpan();
  }

  void toolEnded(Span span, String outcome, Throwable error) {
    if (!tracing) {
      return;
    }
    span.setAttribute("agentbus.tool.outcome", outcome);
    if (error != null) {
      span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage())).setAttribute("error.type", error.getClass().getName());
    }
    span.end();
  }
}
