package io.agentbus.examples;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code examples/python/call_calculator.py}, an unmodified AutoGen worker, calls the JVM's
 * calculator and gets a typed {@code Sum}. The interpreter comes from {@code AGENTBUS_PYTHON}
 * ({@code scripts/test} sets it) or the repository's {@code .venv}.
 */
class PythonCallsJvmIT {

  @Test
  void aPythonWorkerGetsATypedReplyFromAJvmAgent() throws Exception {
    String python = System.getenv().getOrDefault("AGENTBUS_PYTHON", Path.of("..", ".venv", "bin", "python").toString());
    CalculatorHost host = CalculatorHost.start(0).await();
    try {
      Process p = new ProcessBuilder(python, "python/call_calculator.py", "127.0.0.1:" + host.port())
          .redirectError(new File("target/call_calculator.stderr.log")).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(Files.exists(Path.of("target/call_calculator.stderr.log"))
          ? Files.readString(Path.of("target/call_calculator.stderr.log")) : "no stderr").isZero();
      assertThat(out).isEqualTo("Sum(value=5)");
    } finally {
      host.close().await();
    }
  }
}
