package io.agentbus.webui.impl;

import java.util.ArrayDeque;

/**
 * A rate over a sliding window of a counter's samples: a per-tick difference of a counter that
 * moves in bursts (a market step publishes its messages at once) alternates between zero and
 * double the true rate; over a few seconds it reads the true rate.
 */
final class SlidingRate {

  private final long windowNanos;
  private final ArrayDeque<double[]> samples = new ArrayDeque<>();

  SlidingRate(long windowNanos) {
    this.windowNanos = windowNanos;
  }

  /**
   * @param nanos now ({@link System#nanoTime()})
   * @param total the counter's value now
   * @return the counter's increase per second over the window (0 until two samples)
   */
  synchronized double update(long nanos, double total) {
    samples.addLast(new double[] {nanos, total});
    while (samples.size() > 2 && nanos - (long) samples.peekFirst()[0] > windowNanos) {
      samples.removeFirst();
    }
    double[] first = samples.peekFirst();
    double seconds = (nanos - (long) first[0]) / 1e9;
    return seconds <= 0 ? 0 : Math.max(0, (total - first[1]) / seconds);
  }
}
