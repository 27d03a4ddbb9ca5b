package io.agentbus.examples;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node's fat jar hosts this project's agents from its jar ({@code --agents}): an unmodified
 * AutoGen worker calls them through the node's bridge; a jar without an agent module stops the
 * node with a message naming it.
 */
class NodeHostsYourAgentsIT {

  private static final Path NODE_JAR = Path.of("..", "verticles", "target", "agentbus-node.jar");
  private static final Path THIS_JAR = Path.of("target", "agentbus-examples-0.1.0-SNAPSHOT.jar");

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Process node(String... args) throws Exception {
    assertThat(NODE_JAR).as("the node's fat jar, built by the reactor before this module").exists();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", NODE_JAR.toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  @Test
  void aPythonWorkerCallsAgentsTheNodeLoadedFromAJar() throws Exception {
    String python = System.getenv().getOrDefault("AGENTBUS_PYTHON", Path.of("..", ".venv", "bin", "python").toString());
    int grpc = freePort();
    Process node = node("--verticles", "bridge", "--grpc-port", String.valueOf(grpc), "--http-port", "0",
        "--agents", THIS_JAR.toString());
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.contains("autogen  :")) {
          break;
        }
      }
      assertThat(lines).as("the node started").anyMatch(l -> l.contains("autogen  :"));
      assertThat(lines).anyMatch(l -> l.contains("module io.agentbus.examples.CalculatorModule registered"));
      Process py = new ProcessBuilder(python, "python/call_calculator.py", "127.0.0.1:" + grpc)
          .redirectError(new File("target/call_calculator.node.stderr.log")).start();
      String reply = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertThat(py.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(reply).as(Files.readString(Path.of("target/call_calculator.node.stderr.log"))).isEqualTo("Sum(value=5)");
    } finally {
      node.destroy();
      node.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aJarWithoutAnAgentModuleStopsTheNodeNamingIt() throws Exception {
    Path plain = Path.of("..", "framework", "target", "agentbus-framework-0.1.0-SNAPSHOT.jar");
    Process node = node("--verticles", "bridge", "--grpc-port", String.valueOf(freePort()), "--http-port", "0",
        "--agents", plain.toString());
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).isNotZero();
    assertThat(out).contains("--agents " + plain).contains("names no io.agentbus.agent.AgentModule");

    Process missing = node("--agents", "no-such.jar");
    String why = new String(missing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(missing.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(missing.exitValue()).isEqualTo(2);
    assertThat(why).contains("bad value for agents (--agents): no-such.jar is not a file");
  }
}
