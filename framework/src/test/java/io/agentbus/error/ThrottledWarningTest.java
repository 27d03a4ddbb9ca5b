package io.agentbus.error;

import org.junit.jupiter.api.Test;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.event.Level;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ThrottledWarningTest {

  /** Collects what is logged, formatted. */
  private static final class Lines extends AbstractLogger {
    final List<String> lines = new ArrayList<>();

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String msg, Object[] args, Throwable t) {
      lines.add(level + " " + MessageFormatter.basicArrayFormat(msg, args));
    }

    @Override public boolean isTraceEnabled() { return true; }
    @Override public boolean isTraceEnabled(Marker marker) { return true; }
    @Override public boolean isDebugEnabled() { return true; }
    @Override public boolean isDebugEnabled(Marker marker) { return true; }
    @Override public boolean isInfoEnabled() { return true; }
    @Override public boolean isInfoEnabled(Marker marker) { return true; }
    @Override public boolean isWarnEnabled() { return true; }
    @Override public boolean isWarnEnabled(Marker marker) { return true; }
    @Override public boolean isErrorEnabled() { return true; }
    @Override public boolean isErrorEnabled(Marker marker) { return true; }
  }

  @Test
  void aFloodCostsOneLinePerIntervalAndTheLinesSayHowManyWereLeftOut() {
    Lines log = new Lines();
    AtomicLong now = new AtomicLong(-5_000_000_000L);  // nanoTime may be negative
    ThrottledWarning w = new ThrottledWarning(log, 10_000, now::get);

    assertThat(w.warn("dropped a malformed envelope: {}", "bad 0")).isTrue();
    for (int i = 1; i <= 127; i++) {
      assertThat(w.warn("dropped a malformed envelope: {}", "bad " + i)).isFalse();
    }
    now.addAndGet(9_999_000_000L);
    assertThat(w.warn("dropped a malformed envelope: {}", "bad 128")).isFalse();
    now.addAndGet(1_000_000L);
    assertThat(w.warn("dropped a malformed envelope: {}", "bad 129")).isTrue();
    now.addAndGet(60_000_000_000L);
    assertThat(w.warn("dropped a malformed envelope: {}", "bad 130")).isTrue();

    assertThat(log.lines).containsExactly(
        "WARN dropped a malformed envelope: bad 0",
        "WARN dropped a malformed envelope: bad 129 (128 more like it left out of the log since the last line)",
        "WARN dropped a malformed envelope: bad 130");
  }

  @Test
  void threadsRacingLogOneLineBetweenThem() throws Exception {
    Lines log = new Lines();
    ThrottledWarning w = new ThrottledWarning(log, 60_000, System::nanoTime);
    AtomicLong logged = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          if (w.warn("x")) {
            logged.incrementAndGet();
          }
        }
      });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(logged.get()).isEqualTo(1);
    assertThat(log.lines).hasSize(1);
  }
}
