package io.agentbus.agent;

import io.agentbus.channel.Channels;
import io.agentbus.channel.Ids;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;

/** Options of an {@link AgentRuntime}. */
public class AgentRuntimeOptions {

  /** Default RPC timeout. */
  public static final long DEFAULT_SEND_TIMEOUT_MILLIS = 10_000;
  /** Default largest encoded payload sent to another node: 1 MiB. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
  /** Default time a graceful close waits for in-flight messages. */
  public static final long DEFAULT_DRAIN_TIMEOUT_MILLIS = 10_000;

  private String namespace = Channels.DEFAULT_NAMESPACE;
  private long sendTimeoutMillis = DEFAULT_SEND_TIMEOUT_MILLIS;
  private long drainTimeoutMillis = DEFAULT_DRAIN_TIMEOUT_MILLIS;
  private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
  private MeterRegistry meterRegistry;
  private io.opentelemetry.api.OpenTelemetry openTelemetry = io.opentelemetry.api.OpenTelemetry.noop();

  /** Defaults. */
  public AgentRuntimeOptions() {
  }

  /** From JSON. */
  public AgentRuntimeOptions(JsonObject json) {
    setNamespace(json.getString("namespace", Channels.DEFAULT_NAMESPACE));
    setSendTimeoutMillis(json.getLong("sendTimeoutMillis", DEFAULT_SEND_TIMEOUT_MILLIS));
    setDrainTimeoutMillis(json.getLong("drainTimeoutMillis", DEFAULT_DRAIN_TIMEOUT_MILLIS));
    setMaxPayloadBytes(json.getInteger("maxPayloadBytes", DEFAULT_MAX_PAYLOAD_BYTES));
  }

  /** @return the JSON form */
  public JsonObject toJson() {
    return new JsonObject().put("namespace", namespace).put("sendTimeoutMillis", sendTimeoutMillis)
        .put("drainTimeoutMillis", drainTimeoutMillis).put("maxPayloadBytes", maxPayloadBytes);
  }

  /** @return the namespace */
  public String getNamespace() {
    return namespace;
  }

  /** Sets the namespace (runtimes of one namespace form one runtime). */
  public AgentRuntimeOptions setNamespace(String namespace) {
    this.namespace = Ids.check("namespace", namespace);
    return this;
  }

  /** @return the default RPC timeout, milliseconds */
  public long getSendTimeoutMillis() {
    return sendTimeoutMillis;
  }

  /** Sets the default RPC timeout (milliseconds, at least 1). */
  public AgentRuntimeOptions setSendTimeoutMillis(long millis) {
    if (millis < 1) {
      throw new IllegalArgumentException("sendTimeoutMillis must be at least 1, got " + millis);
    }
    this.sendTimeoutMillis = millis;
    return this;
  }

  /** @return how long a graceful close waits for in-flight messages */
  public long getDrainTimeoutMillis() {
    return drainTimeoutMillis;
  }

  /** Sets how long a graceful close waits for in-flight messages (milliseconds, 0 or more). */
  public AgentRuntimeOptions setDrainTimeoutMillis(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("drainTimeoutMillis must be 0 or more, got " + millis);
    }
    this.drainTimeoutMillis = millis;
    return this;
  }

  /** @return the largest encoded payload (message or reply) sent to another node */
  public int getMaxPayloadBytes() {
    return maxPayloadBytes;
  }

  /** Sets the largest encoded payload sent to another node (bytes, at least 1). */
  public AgentRuntimeOptions setMaxPayloadBytes(int bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("maxPayloadBytes must be at least 1, got " + bytes);
    }
    this.maxPayloadBytes = bytes;
    return this;
  }

  /** @return where spans go (default: nowhere, at no cost) */
  public io.opentelemetry.api.OpenTelemetry getOpenTelemetry() {
    return openTelemetry;
  }

  /**
   * Traces sends and publishes: a {@code send {type}} span (kind client) around each RPC and a
   * {@code publish {topic type}} span (kind producer) per publish, a {@code process {type}} span
   * (kind server or consumer) around each handler, and the W3C trace context
   * ({@code traceparent}, {@code tracestate}) carried in the message metadata across nodes. Code
   * a handler runs before it returns sees the handler's span as {@code Context.current()}, so its
   * own sends join the trace.
   *
   * @param openTelemetry the SDK (or {@code OpenTelemetry.noop()})
   */
  public AgentRuntimeOptions setOpenTelemetry(io.opentelemetry.api.OpenTelemetry openTelemetry) {
    this.openTelemetry = java.util.Objects.requireNonNull(openTelemetry, "openTelemetry");
    return this;
  }

  /** @return the meter registry (a private one unless set) */
  public MeterRegistry getMeterRegistry() {
    if (meterRegistry == null) {
      meterRegistry = new SimpleMeterRegistry();
    }
    return meterRegistry;
  }

  /** Sets the meter registry. */
  public AgentRuntimeOptions setMeterRegistry(MeterRegistry registry) {
    this.meterRegistry = registry;
    return this;
  }
}
