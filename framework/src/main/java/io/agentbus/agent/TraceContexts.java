package io.agentbus.agent;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.HashMap;
import java.util.Map;

/**
 * The W3C trace context ({@code traceparent}, {@code tracestate}) in message metadata: how the
 * runtime, the gRPC bridge (RPC metadata and CloudEvent attributes, as AutoGen carries them) and
 * adapters continue one trace across nodes and runtimes.
 *
 * <pre>{@code
 * try (Scope s = TraceContexts.extract(request.metadata()).makeCurrent()) {
 *   runtime.send(message, recipient, sender);   // its span is a child of the caller's
 * }
 * }</pre>
 */
public final class TraceContexts {

  /** The W3C trace-context header names. */
  public static final String TRACEPARENT = "traceparent";
  /** The W3C vendor trace state. */
  public static final String TRACESTATE = "tracestate";

  private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private TraceContexts() {
  }

  /**
   * @param metadata message metadata (may be null)
   * @return the context it carries (a remote parent), or the root context when it carries none
   */
  public static Context extract(Map<String, String> metadata) {
    return metadata == null || !metadata.containsKey(TRACEPARENT) ? Context.root()
        : W3CTraceContextPropagator.getInstance().extract(Context.root(), metadata, GETTER);
  }

  /**
   * @param context a context (its span's trace is carried)
   * @param metadata metadata to add to (not changed)
   * @return a copy of {@code metadata} with the context's trace headers (unchanged when the span is invalid)
   */
  public static Map<String, String> inject(Context context, Map<String, String> metadata) {
    Map<String, String> out = new HashMap<>(metadata);
    W3CTraceContextPropagator.getInstance().inject(context, out, (carrier, key, value) -> carrier.put(key, value));
    return Map.copyOf(out);
  }

  /** @return whether {@code context} has a valid span (a trace to continue) */
  public static boolean hasSpan(Context context) {
    return Span.fromContext(context).getSpanContext().isValid();
  }
}
