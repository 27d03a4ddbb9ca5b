package io.agentbus.microgrid;

/**
 * The system operator's 24-hour price series (USD/MWh), generated reproducibly from a formula
 * (no external data, nothing to license): a 50 USD/MWh base, a daily swing peaking in the evening,
 * a morning shoulder and a midday solar dip. Step 0 uses HERON's initial price of 50.0.
 */
public final class PriceSeries {

  /** Prices for hours 0..23. */
  private static final double[] HOURLY = new double[24];

  static {
    for (int h = 0; h < 24; h++) {
      double daily = 14.0 * StrictMath.sin(2 * StrictMath.PI * (h - 12) / 24.0);
      double morning = 8.0 * StrictMath.exp(-StrictMath.pow(h - 8, 2) / 4.0);
      double evening = 16.0 * StrictMath.exp(-StrictMath.pow(h - 19, 2) / 3.0);
      double solarDip = -9.0 * StrictMath.exp(-StrictMath.pow(h - 13, 2) / 5.0);
      HOURLY[h] = round2(50.0 + daily + morning + evening + solarDip);
    }
  }

  private PriceSeries() {
  }

  /** @return the price at {@code step} (hour = step mod 24; step 0 is 50.0) */
  public static double price(int step) {
    return step == 0 ? 50.0 : HOURLY[step % 24];
  }

  /** @return the mean of the series */
  public static double mean() {
    double s = 0;
    for (double p : HOURLY) {
      s += p;
    }
    return s / 24;
  }

  static double round2(double x) {
    return Math.round(x * 100.0) / 100.0;
  }
}
