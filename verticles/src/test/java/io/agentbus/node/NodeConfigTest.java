package io.agentbus.node;

import io.agentbus.cluster.JoinMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeConfigTest {

  @Test
  void flagsBeatEnvironmentBeatFileBeatDefaults() throws Exception {
    Path file = Files.createTempFile("agentbus", ".json");
    Files.writeString(file, "{\"httpPort\": 9000, \"microgrids\": 5, \"namespace\": \"fromfile\", \"seed\": 7}");
    NodeConfig c = NodeConfig.load(new String[] {"--config", file.toString(), "--http-port", "9100", "--cluster"},
        Map.of("AGENTBUS_HTTP_PORT", "9050", "AGENTBUS_MICROGRIDS", "6"));
    assertThat(c.httpPort()).isEqualTo(9100);
    assertThat(c.microgrids()).isEqualTo(6);
    assertThat(c.nodeOptions().getNamespace()).isEqualTo("fromfile");
    assertThat(c.seed()).isEqualTo(7);
    assertThat(c.nodeOptions().isClustered()).isTrue();
    assertThat(c.stepIntervalMs()).isEqualTo(1000);
    assertThat(c.verticles()).containsExactly("market");
    assertThat(NodeConfig.load(new String[] {"--cluster", "--join=multicast"}, Map.of()).nodeOptions().getJoin()).isEqualTo(JoinMode.MULTICAST);
  }

  @Test
  void badValuesNameTheKeyAndTheirSource() throws Exception {
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--http-port", "eighty"}, Map.of()))
        .hasMessageContaining("httpPort").hasMessageContaining("--http-port").hasMessageContaining("'eighty'");
    assertThatThrownBy(() -> NodeConfig.load(new String[0], Map.of("AGENTBUS_CLUSTER_PORT", "99999")))
        .hasMessageContaining("clusterPort").hasMessageContaining("AGENTBUS_CLUSTER_PORT");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--frobnicate"}, Map.of())).hasMessageContaining("unknown option --frobnicate");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--verticles", "market,teleporter"}, Map.of()))
        .hasMessageContaining("verticles").hasMessageContaining("expected one of [market, bridge, llm, probe], got 'teleporter'");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--cluster", "--join", "pigeon"}, Map.of()))
        .hasMessageContaining("join (--join)").hasMessageContaining("expected one of [tcp, multicast, kubernetes], got 'pigeon'");
    Path file = Files.createTempFile("agentbus", ".json");
    Files.writeString(file, "{\"colour\": \"red\"}");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--config", file.toString()}, Map.of()))
        .hasMessageContaining("unknown key 'colour'");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--config", "/nonexistent.json"}, Map.of()))
        .hasMessageContaining("cannot read config file");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--cluster", "--join", "kubernetes"}, Map.of()))
        .hasMessageContaining("kubernetesServiceDns");
  }

  @Test
  void valuesAreStrictFromEverySourceAndClusterOptionsNeedACluster() throws Exception {
    Path file = Files.createTempFile("agentbus", ".json");
    Files.writeString(file, "{\"httpPort\": 22601.9}");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--config", file.toString()}, Map.of()))
        .hasMessageContaining("httpPort").hasMessageContaining("expected an integer, got '22601.9'");
    Files.writeString(file, "{\"clustered\": true, \"clusterPort\": 4294989601}");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--config", file.toString()}, Map.of()))
        .hasMessageContaining("clusterPort").hasMessageContaining("out of range");
    Files.writeString(file, "{\"httpPort\": null}");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--config", file.toString()}, Map.of()))
        .hasMessageContaining("httpPort").hasMessageContaining("null");
    Files.writeString(file, "{\"httpPort\": 8081.0, \"microgrids\": \"7\"}");
    NodeConfig ok = NodeConfig.load(new String[] {"--config", file.toString()}, Map.of());
    assertThat(ok.httpPort()).isEqualTo(8081);
    assertThat(ok.microgrids()).isEqualTo(7);
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--members", "10.0.0.2"}, Map.of()))
        .hasMessageContaining("members (--members) applies to a clustered node only");
    assertThatThrownBy(() -> NodeConfig.load(new String[0], Map.of("AGENTBUS_EXPECTED_MEMBERS", "3")))
        .hasMessageContaining("AGENTBUS_EXPECTED_MEMBERS").hasMessageContaining("--cluster");
    assertThat(NodeConfig.load(new String[] {"--cluster", "--members", "127.0.0.1", "--expected-members", "3"}, Map.of())
        .nodeOptions().getExpectedMembers()).isEqualTo(3);
  }

  @Test
  void helpListsEveryOptionWithItsVariableKeyAndDefault() {
    String usage = NodeConfig.usage();
    for (NodeCommand.Declared d : NodeCommand.declared()) {
      assertThat(usage).contains(d.flag()).contains(d.env()).contains("[" + d.key() + "]");
    }
    assertThat(usage).contains("--http-port VALUE").contains("HTTP port for /health, /metrics and the API (default 8080)");
    assertThat(NodeConfig.load(new String[] {"--help"}, Map.of()).help()).isTrue();
    assertThat(NodeConfig.load(new String[] {"--version"}, Map.of()).version()).isTrue();
  }

  @Test
  void everyNodeOptionHasAFlagAndTheSameEnvironmentVariable() {
    io.agentbus.cluster.NodeOptions.ENVIRONMENT.forEach((key, env) ->
        assertThat(NodeCommand.declared()).as(key).anySatisfy(d -> {
          assertThat(d.key()).isEqualTo(key);
          assertThat(d.env()).isEqualTo(env);
        }));
  }

  @Test
  void theReadmeTableListsEveryOption() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String table = readme.substring(readme.indexOf("| key | flag | environment | default |"));
    table = table.substring(0, table.indexOf("\n\n"));
    for (NodeCommand.Declared d : NodeCommand.declared()) {
      assertThat(table).as(d.key()).containsPattern("(?m)^\\| " + d.key() + " \\| `" + d.flag() + "[ `][^\\n]*\\| `" + d.env() + "`");
    }
  }

  @Test
  void theCommandLineIsParsedStrictly() throws Exception {
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--http-port"}, Map.of())).hasMessage("--http-port needs a value");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--http-port", "4294967377"}, Map.of()))
        .hasMessageContaining("httpPort (--http-port)").hasMessageContaining("out of range");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--http-port", "80", "--http-port", "81"}, Map.of()))
        .hasMessageContaining("--http-port").hasMessageContaining("only once");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--htp-port", "80"}, Map.of()))
        .hasMessageContaining("unknown option --htp-port").hasMessageContaining("did you mean --http-port");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"market"}, Map.of())).hasMessageContaining("unexpected argument market");
    Path args = Files.createTempFile("agentbus", ".args");
    Files.writeString(args, "--http-port 1");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"@" + args}, Map.of()))
        .as("an @file is an argument, never read").hasMessageContaining("unexpected argument @");
    assertThatThrownBy(() -> NodeConfig.load(new String[0], Map.of("AGENTBUS_CLUSTERED", "yes")))
        .hasMessageContaining("clustered (environment variable AGENTBUS_CLUSTERED): expected true or false, got 'yes'");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--llm-max-daily-cost-usd", "NaN"}, Map.of()))
        .hasMessageContaining("llmMaxDailyCostUsd").hasMessageContaining("expected a number");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--llm-max-daily-cost-usd", "-1"}, Map.of()))
        .hasMessageContaining("must be at least 0, got -1.0");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--http-host", " "}, Map.of()))
        .hasMessageContaining("httpHost (--http-host): empty");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--microgrids", "0"}, Map.of()))
        .hasMessageContaining("microgrids (--microgrids): must be 1..100000, got 0");
    NodeConfig c = NodeConfig.load(new String[] {"--log-format", "JSON", "--verticles", "market, probe,"}, Map.of());
    assertThat(c.logFormat()).isEqualTo("json");
    assertThat(c.verticles()).containsExactly("market", "probe");
  }

  @Test
  void aConfigFileTakesListsAndPairsAsJsonAndNamesItsKeyInErrors() throws Exception {
    Path file = Files.createTempFile("agentbus", ".json");
    Files.writeString(file, "{\"verticles\": [\"market\", \"probe\"], \"labels\": {\"zone\": \"a\"}, \"clustered\": true,"
        + " \"members\": [\"10.0.0.2\", \"10.0.0.3:5702\"]}");
    NodeConfig c = NodeConfig.load(new String[] {"--config=" + file}, Map.of());
    assertThat(c.verticles()).containsExactly("market", "probe");
    assertThat(c.nodeOptions().getLabels()).containsEntry("zone", "a");
    assertThat(c.nodeOptions().getMembers()).containsExactly("10.0.0.2", "10.0.0.3:5702");
    Files.writeString(file, "{\"microgrids\": \"many\"}");
    assertThatThrownBy(() -> NodeConfig.load(new String[0], Map.of("AGENTBUS_CONFIG", file.toString())))
        .hasMessageContaining("bad value for microgrids (key 'microgrids' in " + file + "): expected an integer, got 'many'");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--microgrids", "x"}, Map.of("AGENTBUS_CONFIG", file.toString())))
        .as("the flag's value is the one refused").hasMessageContaining("microgrids (--microgrids)");
    Files.writeString(file, "{\"verticles\": [[\"market\"]]}");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--config", file.toString()}, Map.of()))
        .hasMessageContaining("expected a list of values");
  }

  @Test
  void llmBackendsAndTheLocalModelAreCheckedAndNamed() throws Exception {
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--verticles", "llm", "--llm-base-url", "http://127.0.0.1:1/v1",
        "--llm-store", "firestore"}, Map.of()))
        .hasMessageContaining("--llm-store firestore").hasMessageContaining("--gcp-project");
    NodeConfig fromEnv = NodeConfig.load(new String[] {"--verticles", "llm", "--llm-base-url", "http://127.0.0.1:1/v1",
        "--llm-events", "pubsub"}, Map.of("GOOGLE_CLOUD_PROJECT", "p1", "PUBSUB_EMULATOR_HOST", "127.0.0.1:8085"));
    assertThat(fromEnv.llm().backends().gcpProject()).isEqualTo("p1");
    assertThat(fromEnv.llm().backends().environment()).containsEntry("PUBSUB_EMULATOR_HOST", "127.0.0.1:8085");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--verticles", "llm", "--llm-base-url", "http://127.0.0.1:1/v1",
        "--llm-store", "sqlite"}, Map.of()))
        .hasMessageContaining("llmStore").hasMessageContaining("--llm-store").hasMessageContaining("[memory, firestore]");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--llm-snapshots", "gcs", "--gcp-project", "p"}, Map.of()))
        .hasMessageContaining("applies to the llm verticle only");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--verticles", "llm", "--llm-base-url", "http://127.0.0.1:1/v1",
        "--llm-workspace", "goog-x"}, Map.of())).hasMessageContaining("llmWorkspace");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--verticles", "llm", "--llm-local=/nonexistent/model.gguf"}, Map.of()))
        .hasMessageContaining("llmLocal").hasMessageContaining("no model file at /nonexistent/model.gguf");
    Path model = Files.createTempFile("agentbus", ".gguf");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--verticles", "llm", "--llm-local=" + model,
        "--llm-base-url", "http://127.0.0.1:1/v1"}, Map.of())).hasMessageContaining("choose one");
    NodeConfig local = NodeConfig.load(new String[] {"--verticles", "llm", "--llm-local=" + model}, Map.of());
    assertThat(local.llm().localModel()).isEqualTo(model.toAbsolutePath().toString());
    assertThat(local.llm().model()).isEqualTo("smollm2-135m-instruct");
    assertThat(local.llm().promptPricePer1k()).isZero();
    Path cache = Files.createTempDirectory("models");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--verticles", "llm", "--llm-local"}, Map.of("AGENTBUS_MODEL_CACHE",
        cache.toString()))).hasMessageContaining("scripts/fetch-model");
  }
}
