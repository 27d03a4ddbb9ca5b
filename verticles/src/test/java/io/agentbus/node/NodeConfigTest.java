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
    assertThat(NodeConfig.load(new String[] {"--join=multicast"}, Map.of()).nodeOptions().getJoin()).isEqualTo(JoinMode.MULTICAST);
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
}
