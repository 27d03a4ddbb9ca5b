package io.agentbus.faults;

import io.vertx.core.json.JsonObject;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One fat-jar node ({@code java -jar agentbus-node.jar}) on one of the {@link Hosts}, with the
 * faults a real network brings: kill -9, SIGSTOP/SIGCONT, restart at the same address. Its HTTP
 * API is read with the cluster's token.
 */
public final class FaultNode implements AutoCloseable {

  private static final File JAR = new File(System.getProperty("agentbus.nodeJar", "target/agentbus-node.jar"));
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final List<String> command;
  private final String host;
  private final int httpPort;
  private final String token;
  private Process process;
  private int starts;

  FaultNode(String name, List<String> exec, String host, int httpPort, String token, List<String> args) {
    this.name = name;
    this.host = host;
    this.httpPort = httpPort;
    this.token = token;
    List<String> cmd = new ArrayList<>(exec);
    cmd.addAll(List.of(new File(System.getProperty("java.home"), "bin/java").getPath(), "-Xmx200m",
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    String extra = System.getProperty("faults.jvmArgs", "");
    if (!extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    cmd.addAll(List.of("-jar", JAR.getAbsolutePath()));
    cmd.addAll(args);
    this.command = cmd;
  }

  /** Starts (or restarts, with the same arguments) the process. */
  public FaultNode start() throws IOException {
    starts++;
    File log = new File("target/faults-" + name + ".log");
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(starts == 1 ? ProcessBuilder.Redirect.to(log) : ProcessBuilder.Redirect.appendTo(log)).start();
    return this;
  }

  public String name() {
    return name;
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown hook, the others see a crash. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGSTOP: the process freezes (a long GC pause, a stalled VM) but keeps its sockets. */
  public void pause() throws IOException {
    Hosts.run("kill", "-STOP", String.valueOf(process.pid()));
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() throws IOException {
    Hosts.run("kill", "-CONT", String.valueOf(process.pid()));
  }

  /** SIGTERM and wait: the graceful stop. */
  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(40, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** @return the JSON answer of {@code GET path}, or null when the node does not answer 200 within 2 s */
  public JsonObject get(String path) {
    return get(path, true);
  }

  /** @return the JSON answer of {@code GET path} whatever its status, or null when there is none */
  public JsonObject getAny(String path) {
    return get(path, false);
  }

  private JsonObject get(String path, boolean only200) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + httpPort + path))
          .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return (!only200 || r.statusCode() == 200) && r.body().startsWith("{") ? new JsonObject(r.body()) : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** @return the HTTP status of {@code GET path}, 0 when it does not answer */
  public int status(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + httpPort + path))
          .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return 0;
    }
  }

  /** @return the tail of this node's log */
  public String logTail() {
    try {
      String log = java.nio.file.Files.readString(new File("target/faults-" + name + ".log").toPath());
      return log.substring(Math.max(0, log.length() - 5_000));
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      try {
        resume(); // a paused process cannot handle SIGTERM
      } catch (IOException ignored) {
        // gone
      }
      stop();
    }
  }
}
