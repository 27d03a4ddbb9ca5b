package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.TopicId;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.agentbus.agent.TraceContexts;

import java.util.Map;

/**
 * The runtime's spans (OpenTelemetry messaging conventions, {@code messaging.system = agentbus})
 * and the W3C trace context in envelope metadata. With the no-op OpenTelemetry it does nothing.
 */
final class RuntimeTracing {

  private final boolean enabled;
  private final Tracer tracer;

  RuntimeTracing(OpenTelemetry otel) {
    this.enabled = otel != OpenTelemetry.noop();
    this.tracer = otel.getTracer("io.agentbus.runtime");
  }

  boolean enabled() {
    return enabled;
  }

  /** @return a client span for an RPC to {@code recipient}, child of the current context */
  Span send(AgentId recipient, AgentId sender, String payloadType) {
    return tracer.spanBuilder("send " + recipient.type()).setSpanKind(SpanKind.CLIENT)
        .setAttribute("messaging.system", "agentbus").setAttribute("messaging.operation.name", "send")
        .setAttribute("messaging.destination.name", recipient.toString()).setAttribute("agentbus.payload.type", payloadType)
        .setAttribute("agentbus.sender", sender == null ? "" : sender.toString()).startSpan();
  }

  /** @return a producer span for a publish on {@code topic} */
  Span publish(TopicId topic, AgentId sender, String payloadType, Map<String, String> metadata) {
    Context current = Context.current();
    // a publish forwarded from elsewhere (a bridge worker's event) continues the trace its metadata carries
    Context parent = TraceContexts.hasSpan(current) ? current : TraceContexts.extract(metadata);
    return tracer.spanBuilder("publish " + topic.type()).setParent(parent).setSpanKind(SpanKind.PRODUCER)
        .setAttribute("messaging.system", "agentbus").setAttribute("messaging.operation.name", "publish")
        .setAttribute("messaging.destination.name", topic.type() + "/" + topic.source())
        .setAttribute("agentbus.payload.type", payloadType)
        .setAttribute("agentbus.sender", sender == null ? "" : sender.toString()).startSpan();
  }

  /** @return {@code metadata} with the span's context added (the span must be valid) */
  static Map<String, String> inject(Span span, Map<String, String> metadata) {
    return TraceContexts.inject(Context.root().with(span), metadata);
  }

  /** @return a server (send) or consumer (publish) span for handling {@code e} at {@code agent}, child of the sender's context */
  Span process(Envelope e, AgentId agent) {
    Context parent = TraceContexts.extract(e.metadata);
    return tracer.spanBuilder("process " + agent.type()).setParent(parent)
        .setSpanKind(e.kind == Envelope.Kind.PUBLISH ? SpanKind.CONSUMER : SpanKind.SERVER)
        .setAttribute("messaging.system", "agentbus").setAttribute("messaging.operation.name", "process")
        .setAttribute("messaging.destination.name", agent.toString()).setAttribute("messaging.message.id", e.messageId)
        .setAttribute("agentbus.payload.type", e.payloadType == null ? "" : e.payloadType).startSpan();
  }

  /** Ends {@code span}, marking it failed when {@code error} is not null. */
  static void end(Span span, Throwable error) {
    if (error != null) {
      span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
      span.recordException(error);
    }
    span.end();
  }
}
