package io.agentbus.node.logging;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** An SLF4J logger writing through {@link NodeLog}. */
final class NodeLogger extends LegacyAbstractLogger {

  private final NodeLog.Level threshold;

  NodeLogger(String name) {
    this.name = name;
    this.threshold = NodeLog.thresholdOf(name);
  }

  private boolean on(NodeLog.Level level) {
    return level.compareTo(threshold) >= 0;
  }

  @Override
  public boolean isTraceEnabled() {
    return on(NodeLog.Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return on(NodeLog.Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return on(NodeLog.Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return on(NodeLog.Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return on(NodeLog.Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable error) {
    NodeLog.write(NodeLog.Level.valueOf(level.name()), name, MessageFormatter.basicArrayFormat(pattern, args), error);
  }
}
