package io.agentbus.llm.tracing;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * An OTLP/HTTP trace receiver in the test process: what a real exporter posts to {@code /v1/traces}
 * (protobuf), decoded into {@link ReceivedSpan}s.
 */
public final class OtlpReceiver {

  /** A span as received. */
  public record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, String kind,
                             Map<String, String> attributes, Map<String, String> resource) {
    /** @return the attribute, or null */
    public String attr(String key) {
      return attributes.get(key);
    }
  }

  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private HttpServer server;

  private OtlpReceiver() {
  }

  /** @return a receiver listening on a free loopback port */
  public static Future<OtlpReceiver> start(Vertx vertx) {
    OtlpReceiver r = new OtlpReceiver();
    return vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (!req.path().equals("/v1/traces")) {
        req.response().setStatusCode(404).end();
        return;
      }
      try {
        r.add(ExportTraceServiceRequest.parseFrom(body.getBytes()));
        req.response().putHeader("content-type", "application/x-protobuf")
            .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
      } catch (Exception e) {
        req.response().setStatusCode(400).end(String.valueOf(e));
      }
    })).listen(0, "127.0.0.1").map(s -> {
      r.server = s;
      return r;
    });
  }

  private void add(ExportTraceServiceRequest request) {
    HexFormat hex = HexFormat.of();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      Map<String, String> resource = attributes(rs.getResource().getAttributesList());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
          spans.add(new ReceivedSpan(hex.formatHex(s.getTraceId().toByteArray()), hex.formatHex(s.getSpanId().toByteArray()),
              hex.formatHex(s.getParentSpanId().toByteArray()), s.getName(), s.getKind().name(),
              attributes(s.getAttributesList()), resource));
        }
      }
    }
  }

  private static Map<String, String> attributes(List<KeyValue> list) {
    Map<String, String> out = new LinkedHashMap<>();
    for (KeyValue kv : list) {
      out.put(kv.getKey(), text(kv.getValue()));
    }
    return out;
  }

  private static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> String.valueOf(v.getIntValue());
      case DOUBLE_VALUE -> String.valueOf(v.getDoubleValue());
      case BOOL_VALUE -> String.valueOf(v.getBoolValue());
      case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(OtlpReceiver::text).collect(Collectors.joining(",", "[", "]"));
      default -> v.toString();
    };
  }

  /** @return every span received so far */
  public List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  /** @return the endpoint to give an exporter ({@code http://127.0.0.1:port}) */
  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Stops listening. */
  public Future<Void> close() {
    return server.close();
  }
}
