package io.agentbus.node;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The market's once-a-minute INFO line sums the steps logged at DEBUG. */
class MarketSummaryTest {

  @Test
  void aMinuteSummarisesItsSteps() {
    MarketVerticle.Minute m = new MarketVerticle.Minute();
    m.add(10.0, 1, 42.5);
    m.add(20.0, 0, 40.25);
    m.add(12.0, 2, 44.0);
    assertThat(m.summary(3)).isEqualTo("last minute: 3 steps (driver term 3), step time mean 14.0 ms, max 20.0 ms, "
        + "3 trades, price 40.25–44.00 USD/MWh");
    assertThat(new MarketVerticle.Minute().summary(1)).startsWith("last minute: 0 steps");
  }
}
