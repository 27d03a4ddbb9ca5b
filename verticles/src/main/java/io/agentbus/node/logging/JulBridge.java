package io.agentbus.node.logging;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sends what libraries log through {@code java.util.logging} (the Google clients, OpenTelemetry)
 * to the node's log, in the node's format, instead of JUL's two-line console records.
 */
public final class JulBridge extends Handler {

  private JulBridge() {
  }

  /** Replaces JUL's root handlers by the bridge (JUL records below INFO are not published). */
  public static void install() {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    root.setLevel(Level.INFO);
    root.addHandler(new JulBridge());
  }

  @Override
  public void publish(LogRecord r) {
    if (r == null) {
      return;
    }
    int v = r.getLevel().intValue();
    NodeLog.Level level = v >= Level.SEVERE.intValue() ? NodeLog.Level.ERROR : v >= Level.WARNING.intValue() ? NodeLog.Level.WARN
        : v >= Level.INFO.intValue() ? NodeLog.Level.INFO : v >= Level.FINE.intValue() ? NodeLog.Level.DEBUG : NodeLog.Level.TRACE;
    String name = r.getLoggerName() == null ? "jul" : r.getLoggerName();
    if (level.compareTo(NodeLog.thresholdOf(name)) < 0) {
      return;
    }
    String message = r.getMessage();
    if (message != null && r.getParameters() != null && r.getParameters().length > 0) {
      try {
        message = java.text.MessageFormat.format(message, r.getParameters());
      } catch (IllegalArgumentException ignored) {
        // not a MessageFormat pattern: the raw message
      }
    }
    NodeLog.write(level, name, message, r.getThrown());
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
  }
}
