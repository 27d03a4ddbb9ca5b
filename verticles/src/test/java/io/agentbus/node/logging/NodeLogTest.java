package io.agentbus.node.logging;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The node's log lines: text with ISO-8601 UTC timestamps, or one JSON object per line; JUL records go the same way. */
class NodeLogTest {

  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

  private String lines() {
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @AfterEach
  void reset() {
    NodeLog.format("text");
    NodeLog.output(System.err);
  }

  @Test
  void textLinesCarryAnIsoTimestampLevelAndLogger() {
    NodeLog.output(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    LoggerFactory.getLogger("io.agentbus.node.MarketVerticle").info("step {} price {}", 7, 41.5);
    assertThat(lines()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z INFO MarketVerticle - step 7 price 41.5\\R");
  }

  @Test
  void jsonLinesAreOneObjectEachWithTheErrorInside() {
    NodeLog.format("json");
    NodeLog.output(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    LoggerFactory.getLogger("io.agentbus.x.Thing").warn("a \"quoted\"\nmessage", new IllegalStateException("boom"));
    String[] out = lines().split("\\R");
    assertThat(out).hasSize(1);
    JsonObject line = new JsonObject(out[0]);
    assertThat(line.getString("level")).isEqualTo("WARN");
    assertThat(line.getString("logger")).isEqualTo("io.agentbus.x.Thing");
    assertThat(line.getString("msg")).isEqualTo("a \"quoted\"\nmessage");
    assertThat(line.getString("error")).contains("IllegalStateException: boom");
    assertThat(line.getString("ts")).endsWith("Z");
  }

  @Test
  void librariesAreQuietBelowWarnAndJulGoesThroughTheNodeLog() {
    NodeLog.format("json");
    NodeLog.output(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    LoggerFactory.getLogger("com.hazelcast.internal.Noise").info("not shown");
    JulBridge.install();
    java.util.logging.Logger.getLogger("io.opentelemetry.usage").warning("OpenTelemetry API usage issue");
    java.util.logging.Logger.getLogger("com.example.Lib").info("hello {0}");
    String[] out = lines().split("\\R");
    assertThat(out).hasSize(2);
    assertThat(new JsonObject(out[0]).getString("msg")).isEqualTo("OpenTelemetry API usage issue");
    assertThat(new JsonObject(out[1]).getString("logger")).isEqualTo("com.example.Lib");
  }
}
