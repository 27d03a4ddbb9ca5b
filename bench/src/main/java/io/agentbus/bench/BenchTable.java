package io.agentbus.bench;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/** Prints a benchmark's Markdown table under a heading naming the date, cores and Java version. */
final class BenchTable {

  private BenchTable() {
  }

  /**
   * @param title what was measured ("Broker benchmark")
   * @param header the header row, {@code | a | b |}
   * @param alignment the alignment row, {@code |---|---:|}
   * @param rows the table's rows
   */
  static void print(String title, String header, String alignment, List<String> rows) {
    System.out.println();
    System.out.printf(Locale.ROOT, "%s, %s, %d cores, Java %s%n%n", title, LocalDate.now(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    System.out.println(header);
    System.out.println(alignment);
    rows.forEach(System.out::println);
  }
}
