package io.agentbus.node.logging;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * The node's log lines, on standard error, in one of two formats chosen at start
 * ({@code --log-format text|json}, {@code AGENTBUS_LOG_FORMAT}):
 * <ul>
 *   <li>{@code text}: {@code 2026-12-01T16:51:00.123Z INFO MarketVerticle - message} (ISO-8601, UTC);</li>
 *   <li>{@code json}: one object per line, {@code {"ts", "level", "logger", "thread", "msg", "error"?}},
 *   for log shippers.</li>
 * </ul>
 * Levels: {@code AGENTBUS_LOG_LEVEL} (default {@code info}) for everything, but Hazelcast, Vert.x,
 * Netty and the Google and gRPC clients at {@code warn} unless the level is {@code debug} or finer.
 */
public final class NodeLog {

  /** Levels, finest first (SLF4J's). */
  public enum Level { TRACE, DEBUG, INFO, WARN, ERROR }

  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  /**
   * Library loggers and their least level. Two warnings every node printed at a clean start are
   * known and harmless, so their loggers are at ERROR: vertx-micrometer 5.0.7 registers the gauge
   * {@code vertx.eventbus.pending} twice (Micrometer warns once), and Hazelcast warns that its CP
   * subsystem is off (agentbus uses no CP structure: leadership is a lease with fencing in a map).
   * Longer prefixes win.
   */
  private static final Map<String, Level> QUIET = Map.of("com.hazelcast", Level.WARN, "io.vertx", Level.WARN, "io.netty", Level.WARN,
      "com.google", Level.WARN, "io.grpc", Level.WARN, "io.opentelemetry", Level.WARN,
      "io.micrometer.core.instrument.MeterRegistry", Level.ERROR, "com.hazelcast.cp.CPSubsystem", Level.ERROR);

  private static volatile boolean json;
  private static volatile Level threshold = level(System.getenv("AGENTBUS_LOG_LEVEL"), Level.INFO);
  private static volatile PrintStream out = System.err;

  private NodeLog() {
  }

  /**
   * @param format {@code text} or {@code json}
   * @throws IllegalArgumentException for anything else
   */
  public static void format(String format) {
    switch (format.trim().toLowerCase(Locale.ROOT)) {
      case "text" -> json = false;
      case "json" -> json = true;
      default -> throw new IllegalArgumentException("expected text or json, got '" + format + "'");
    }
  }

  /** @return whether lines are JSON */
  public static boolean json() {
    return json;
  }

  static Level level(String name, Level fallback) {
    if (name == null || name.isBlank()) {
      return fallback;
    }
    try {
      return Level.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return fallback;
    }
  }

  /** @return the least level {@code logger} writes */
  static Level thresholdOf(String logger) {
    Level t = threshold;
    if (t.compareTo(Level.DEBUG) <= 0) {
      return t;
    }
    String best = null;
    for (String prefix : QUIET.keySet()) {
      if (logger.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
        best = prefix;
      }
    }
    if (best == null) {
      return t;
    }
    Level q = QUIET.get(best);
    return q.compareTo(t) > 0 ? q : t;
  }

  /** Writes one line. */
  static void write(Level level, String logger, String message, Throwable error) {
    String shortName = logger.substring(logger.lastIndexOf('.') + 1);
    String line;
    if (json) {
      StringBuilder sb = new StringBuilder(128).append("{\"ts\":\"").append(TS.format(Instant.now())).append("\",\"level\":\"")
          .append(level).append("\",\"logger\":");
      quote(sb, logger).append(",\"thread\":");
      quote(sb, Thread.currentThread().getName()).append(",\"msg\":");
      quote(sb, message == null ? "" : message);
      if (error != null) {
        java.io.StringWriter w = new java.io.StringWriter();
        error.printStackTrace(new java.io.PrintWriter(w));
        sb.append(",\"error\":");
        quote(sb, w.toString());
      }
      line = sb.append('}').toString();
    } else {
      line = TS.format(Instant.now()) + " " + level + " " + shortName + " - " + message;
    }
    PrintStream o = out;
    synchronized (o) {
      o.println(line);
      if (error != null && !json) {
        error.printStackTrace(o);
      }
    }
  }

  private static StringBuilder quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"');
  }

  /** For tests: where lines go. */
  static void output(PrintStream stream) {
    out = stream;
  }
}
