package io.agentbus.node;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The node's OpenTelemetry: with an endpoint ({@code --otel-endpoint} or
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT}), an SDK exporting spans over OTLP/HTTP to
 * {@code {endpoint}/v1/traces} in batches (W3C trace context, resource {@code service.name=agentbus},
 * {@code service.instance.id} the node's name); without one, the no-op API: no exporter, nothing
 * recorded, next to no cost.
 */
final class NodeTelemetry implements AutoCloseable {

  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk sdk;
  private final String endpoint;

  private NodeTelemetry(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk, String endpoint) {
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
    this.endpoint = endpoint;
  }

  /**
   * @param endpoint the OTLP/HTTP base URL, or null for none
   * @param instance this node's name
   * @return the node's telemetry
   */
  static NodeTelemetry create(String endpoint, String instance) {
    if (endpoint == null) {
      return new NodeTelemetry(OpenTelemetry.noop(), null, null);
    }
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .setTracerProvider(SdkTracerProvider.builder()
            .setResource(Resource.getDefault().merge(Resource.create(Attributes.builder().put("service.name", "agentbus")
                .put("service.instance.id", instance).build())))
            .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces")
                .setTimeout(Duration.ofSeconds(10)).build()).setScheduleDelay(Duration.ofMillis(500)).build())
            .build())
        .build();
    return new NodeTelemetry(sdk, sdk, base);
  }

  /** @return the API handed to the runtime, the LLM loop and the Google Cloud clients */
  OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** @return the OTLP base URL, or null when nothing is exported */
  String endpoint() {
    return endpoint;
  }

  /** Flushes what is buffered (at most 10 s) and stops exporting. */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.getSdkTracerProvider().shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
