package io.agentbus.grpc;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Python virtual environment with the real AutoGen packages ({@code autogen-ext[grpc]} and
 * {@code autogen-core}, pinned), created on first use under {@code ~/.cache/agentbus}; set
 * {@code AGENTBUS_PYTHON} to use another interpreter that has them.
 */
final class PythonEnv {

  static final String AUTOGEN_VERSION = "0.7.5";

  private PythonEnv() {
  }

  /** @return the interpreter, creating the environment if needed */
  static synchronized String python() throws Exception {
    String configured = System.getenv("AGENTBUS_PYTHON");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    Path venv = Path.of(System.getProperty("user.home"), ".cache", "agentbus", "venv-autogen-" + AUTOGEN_VERSION);
    Path python = venv.resolve("bin/python");
    Path marker = venv.resolve(".complete");
    if (Files.exists(marker)) {
      return python.toString();
    }
    Files.createDirectories(venv.getParent());
    run(List.of("python3", "-m", "venv", "--clear", venv.toString()), 120);
    run(List.of(python.toString(), "-m", "pip", "install", "--disable-pip-version-check", "-q",
        "autogen-ext[grpc]==" + AUTOGEN_VERSION, "autogen-core==" + AUTOGEN_VERSION), 900);
    Files.writeString(marker, "ok");
    return python.toString();
  }

  private static void run(List<String> cmd, long timeoutSeconds) throws Exception {
    File log = File.createTempFile("agentbus-pip", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + String.join(" ", cmd) + " (log: " + log + ")");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("failed (exit " + p.exitValue() + "): " + String.join(" ", cmd) + "\n"
          + Files.readString(log.toPath()));
    }
  }
}
