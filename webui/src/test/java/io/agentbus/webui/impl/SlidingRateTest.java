package io.agentbus.webui.impl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A counter that moves in bursts reads its true rate, not the alternation of a per-tick difference. */
class SlidingRateTest {

  private static final long MS = 1_000_000L;

  @Test
  void burstsOfEightOncePerSecondReadEightPerSecondWithinTenPercent() {
    SlidingRate rate = new SlidingRate(5_000 * MS);
    double total = 0;
    double last = 0;
    for (int tick = 0; tick < 40; tick++) {      // the dashboard's 500 ms ticks, 20 s
      if (tick % 2 == 0) {
        total += 8;                               // one market step: 8 messages at once, each second
      }
      last = rate.update(tick * 500 * MS, total);
      if (tick >= 12) {                           // once the window is full
        assertThat(last).as("tick %d", tick).isBetween(8 * 0.9, 8 * 1.1);
      }
    }
    assertThat(last).isBetween(7.2, 8.8);
  }

  @Test
  void aQuietCounterReadsZeroAndTheFirstSampleReadsZero() {
    SlidingRate rate = new SlidingRate(5_000 * MS);
    assertThat(rate.update(0, 100)).isZero();
    assertThat(rate.update(500 * MS, 100)).isZero();
    assertThat(rate.update(6_000 * MS, 100)).isZero();
  }
}
