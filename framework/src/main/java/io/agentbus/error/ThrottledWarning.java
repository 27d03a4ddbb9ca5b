package io.agentbus.error;

import org.slf4j.Logger;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A warning that whoever sends us bad input can trigger, logged at most once per interval: the
 * first occurrence at once, then one line per interval saying how many were left out since. A
 * peer sending a batch of 128 corrupt items, or a thousand corrupt frames a second, costs a line
 * every 10 seconds, not a flood; the counters ({@code agentbus_*_dropped_total}) still count each.
 *
 * <pre>{@code
 * private static final Logger LOG = LoggerFactory.getLogger(MyAdapter.class);
 * private final ThrottledWarning malformed = new ThrottledWarning(LOG);
 * ...
 * dropped.increment();                                    // every one counted
 * malformed.warn("dropped a malformed frame from {}: {}", peer, reason);  // a line per 10 s at most
 * }</pre>
 *
 * <p>Use one instance per kind of warning (a flood of one kind does not hide the first of
 * another). Thread-safe, lock-free; the format and arguments are SLF4J's.
 */
public final class ThrottledWarning {

  /** The default interval between two lines. */
  public static final long DEFAULT_INTERVAL_MILLIS = 10_000;

  private final Logger log;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  /** When the next line may be logged (nanoTime), or {@code Long.MIN_VALUE} before the first one. */
  private final AtomicLong nextLine = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong leftOut = new AtomicLong();

  /** @param log where the lines go, one per {@link #DEFAULT_INTERVAL_MILLIS} at most */
  public ThrottledWarning(Logger log) {
    this(log, DEFAULT_INTERVAL_MILLIS, System::nanoTime);
  }

  /**
   * @param intervalMillis the least time between two lines
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; a fake in tests)
   */
  public ThrottledWarning(Logger log, long intervalMillis, LongSupplier nanoClock) {
    this.log = log;
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
    this.nanoClock = nanoClock;
  }

  /**
   * Logs the warning at WARN if no line was logged within the interval, else counts it.
   *
   * @return whether it was logged
   */
  public boolean warn(String format, Object... args) {
    long now = nanoClock.getAsLong();
    long next = nextLine.get();
    if ((next != Long.MIN_VALUE && now - next < 0) || !nextLine.compareAndSet(next, now + intervalNanos)) {
      leftOut.incrementAndGet();
      return false;
    }
    long skipped = leftOut.getAndSet(0);
    if (skipped == 0) {
      log.warn(format, args);
    } else if (log.isWarnEnabled()) {
      log.warn(format + " (" + skipped + " more like it left out of the log since the last line)", args);
    }
    return true;
  }
}
