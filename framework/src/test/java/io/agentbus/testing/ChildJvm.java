package io.agentbus.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A JVM started from this test's class path, its stdout read line by line, its stderr kept in a file. */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final String name;

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // process gone
      }
    }, "child-" + name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code mainClass} with {@code args}.
   *
   * @param name used for the log file {@code target/child-<name>.log}
   */
  public static ChildJvm start(String name, Class<?> mainClass, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(new File(System.getProperty("java.home"), "bin/java").getPath());
    cmd.add("-Xmx256m");
    cmd.add("-Dhazelcast.phone.home.enabled=false");
    cmd.add("-Dhazelcast.logging.type=slf4j");
    cmd.add("--add-modules");
    cmd.add("java.se");
    cmd.add("--add-opens");
    cmd.add("java.base/java.lang=ALL-UNNAMED");
    cmd.add("--add-opens");
    cmd.add("java.base/sun.nio.ch=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(args);
    File log = new File("target/child-" + name + ".log");
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.to(log)).start();
    return new ChildJvm(name, p);
  }

  /** Waits for a stdout line starting with {@code prefix} and returns it. */
  public String awaitLine(String prefix, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("child " + name + " printed no '" + prefix + "' within " + timeout
            + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; see target/child-" + name + ".log");
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  /** Sends SIGKILL: no shutdown hook runs, the cluster sees a crash. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** @return the exit status once the process ends within {@code timeout}, or -1 if it is still running */
  public int awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** @return whether the process runs */
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
