package io.agentbus.node;

import io.agentbus.testing.FreePorts;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /metrics} as Prometheus reads it: parsed by the Prometheus project's own parser
 * ({@code prometheus_client}, installed by {@code scripts/test} in the virtualenv named by
 * {@code AGENTBUS_PYTHON}), every family with HELP, no label that names an instance, the JVM and
 * process families present, and RPC latency as a histogram.
 */
class MetricsFormatTest {

  @Test
  void everyFamilyParsesAndHasHelp() throws Exception {
    String python = System.getenv("AGENTBUS_PYTHON");
    assertThat(python).as("AGENTBUS_PYTHON (a virtualenv with prometheus-client: run scripts/test)").isNotBlank();
    int port = FreePorts.pick(1).get(0);
    NodeMain.Running node = await(NodeMain.start(NodeConfig.load(new String[] {"--http-port", String.valueOf(port),
        "--step-interval-ms", "100"}, Map.of())));
    try {
      HttpClient http = HttpClient.newHttpClient();
      until("market steps (RPCs timed)", Duration.ofSeconds(20), () -> get(http, port, "/metrics").contains("agentbus_agent_rpc_seconds_bucket"));
      String text = get(http, port, "/metrics");
      Map<String, String[]> families = parse(python, text);
      assertThat(families.entrySet().stream().filter(e -> e.getValue()[1].equals("NOHELP")).map(Map.Entry::getKey))
          .as("families without HELP").isEmpty();
      assertThat(families).containsKeys("agentbus_messages_published", "agentbus_mailbox_depth", "agentbus_agent_rpc_seconds",
          "jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_classes_loaded_classes", "process_cpu_usage", "process_uptime_seconds");
      assertThat(families.get("agentbus_agent_rpc_seconds")[0]).isEqualTo("histogram");
      families.forEach((name, f) -> assertThat(f[2]).as("labels of " + name).doesNotContain("broker"));
    } finally {
      await(node.stop());
    }
  }

  private static String get(HttpClient http, int port, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "";
    }
  }

  /** @return family name → {type, help or NOHELP, label names} */
  private static Map<String, String[]> parse(String python, String text) throws Exception {
    File script = new File("src/test/resources/parse_metrics.py");
    Process p = new ProcessBuilder(python, script.getAbsolutePath()).redirectErrorStream(true).start();
    p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("the parser: " + out).isZero();
    Map<String, String[]> families = new HashMap<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        String[] f = line.split("\t", -1);
        families.put(f[0], new String[] {f[1], f[2], f.length > 3 ? f[3] : ""});
      }
    }
    return families;
  }
}
