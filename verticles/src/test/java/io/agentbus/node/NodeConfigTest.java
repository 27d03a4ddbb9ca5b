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
        .hasMessageContaining("unknown verticle 'teleporter'");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--join", "pigeon"}, Map.of()))
        .hasMessageContaining("join").hasMessageContaining("expected tcp, multicast or kubernetes");
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
  void helpListsEveryOption() {
    String usage = NodeConfig.usage();
    for (NodeConfig.Option o : NodeConfig.OPTIONS) {
      assertThat(usage).contains(o.flag()).contains(o.env());
    }
  }

  @Test
  void everyNodeOptionHasAFlagAndTheSameEnvironmentVariable() {
    io.agentbus.cluster.NodeOptions.ENVIRONMENT.forEach((key, env) ->
        assertThat(NodeConfig.OPTIONS).as(key).anySatisfy(o -> {
          assertThat(o.key()).isEqualTo(key);
          assertThat(o.env()).isEqualTo(env);
        }));
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
