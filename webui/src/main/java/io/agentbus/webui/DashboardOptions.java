package io.agentbus.webui;

/**
 * How often the {@link Dashboard} sends its pages what changed. Every update interval one timer
 * builds the sections once and each page gets the sections that changed for it (none while its
 * socket's queue is full: it catches up at the next update). Faster updates cost the node more CPU
 * per page (measured in {@code bench/}'s DashboardBench); the charts' history keeps a point every
 * {@link #HISTORY_POINT_MILLIS} whatever the interval.
 */
public final class DashboardOptions {

  /** The default interval: two updates a second. */
  public static final long DEFAULT_UPDATE_INTERVAL_MILLIS = 500;
  /** The shortest interval accepted (20 updates a second). */
  public static final long MIN_UPDATE_INTERVAL_MILLIS = 50;
  /** The charts' history has one point per this many milliseconds at most. */
  public static final long HISTORY_POINT_MILLIS = 500;

  private long updateIntervalMillis = DEFAULT_UPDATE_INTERVAL_MILLIS;

  /** @return the interval between two updates of the pages */
  public long getUpdateIntervalMillis() {
    return updateIntervalMillis;
  }

  /**
   * @param millis the interval between two updates of the pages, {@value #MIN_UPDATE_INTERVAL_MILLIS} to 60,000
   * @return this
   */
  public DashboardOptions setUpdateIntervalMillis(long millis) {
    if (millis < MIN_UPDATE_INTERVAL_MILLIS || millis > 60_000) {
      throw new IllegalArgumentException("the dashboard's update interval must be " + MIN_UPDATE_INTERVAL_MILLIS
          + "..60000 ms, got " + millis);
    }
    this.updateIntervalMillis = millis;
    return this;
  }
}
