package io.agentbus.cluster;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeOptionsTest {

  @Test
  void environmentOverridesDefaults() {
    NodeOptions o = new NodeOptions().applyEnvironment(Map.of(
        "AGENTBUS_CLUSTERED", "true", "AGENTBUS_JOIN", "kubernetes", "AGENTBUS_K8S_SERVICE_DNS", "agentbus.default.svc",
        "AGENTBUS_MEMBERS", "10.0.0.1:5701, 10.0.0.2", "AGENTBUS_LABELS", "zone=a,role=llm", "AGENTBUS_EVENT_BUS_PORT", "5710",
        "AGENTBUS_EVENT_BUS_HOST", "10.0.0.9"));
    assertThat(o.getEventBusHost()).isEqualTo("10.0.0.9");
    assertThat(o.isClustered()).isTrue();
    assertThat(o.getJoin()).isEqualTo(JoinMode.KUBERNETES);
    assertThat(o.getMembers()).containsExactly("10.0.0.1:5701", "10.0.0.2");
    assertThat(o.getLabels()).containsEntry("zone", "a").containsEntry("role", "llm");
    assertThat(o.getEventBusPort()).isEqualTo(5710);
    o.validate();
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> new NodeOptions().applyEnvironment(Map.of("AGENTBUS_CLUSTER_PORT", "seventy")))
        .hasMessageContaining("AGENTBUS_CLUSTER_PORT").hasMessageContaining("integer");
    assertThatThrownBy(() -> new NodeOptions(new JsonObject().put("clusterPort", 70000)))
        .hasMessageContaining("'clusterPort'");
    assertThatThrownBy(() -> new NodeOptions(new JsonObject().put("join", "carrier-pigeon")))
        .hasMessageContaining("'join'");
    assertThatThrownBy(() -> new NodeOptions(new JsonObject().put("namespace", "a/b")))
        .hasMessageContaining("'namespace'");
    assertThatThrownBy(() -> new NodeOptions(new JsonObject().put("colour", "red"))).hasMessageContaining("'colour'");
    assertThatThrownBy(() -> new NodeOptions().setClustered(true).setJoin(JoinMode.KUBERNETES).validate())
        .hasMessageContaining("kubernetesServiceDns");
  }

  @Test
  void jsonRoundTrips() {
    NodeOptions o = new NodeOptions().setClustered(true).setMembers(java.util.List.of("127.0.0.1:5800"))
        .setLabels(Map.of("gpu", "yes")).setNodeName("n1").setClusterHost("127.0.0.1");
    assertThat(new NodeOptions(o.toJson()).toJson()).isEqualTo(o.toJson());
  }
}
