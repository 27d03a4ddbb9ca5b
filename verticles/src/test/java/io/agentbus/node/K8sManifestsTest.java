package io.agentbus.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.agentbus.cluster.JoinMode;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes manifests configure a node the node accepts: their environment goes through the
 * same {@link NodeConfig} as a real pod's, ports and probes agree with it, and the headless
 * service is the one the DNS join resolves.
 */
class K8sManifestsTest {

  private static final File DIR = new File("../k8s");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static List<JsonNode> documents(String file) throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    try (YAMLParser p = new YAMLFactory().createParser(new File(DIR, file))) {
      YAML.readValues(p, JsonNode.class).forEachRemaining(docs::add);
    }
    return docs;
  }

  @Test
  void theStatefulSetsEnvironmentIsAValidClusteredKubernetesConfiguration() throws Exception {
    JsonNode sts = documents("statefulset.yaml").get(0);
    JsonNode container = sts.at("/spec/template/spec/containers/0");
    // what the kubelet would provide for the fieldRef variables
    Map<String, String> env = new HashMap<>(Map.of("POD_NAMESPACE", "agents", "POD_IP", "10.1.2.3",
        "AGENTBUS_NODE_NAME", "agentbus-0"));
    Pattern ref = Pattern.compile("\\$\\(([A-Z_]+)\\)");
    for (JsonNode e : (ArrayNode) container.get("env")) {
      if (e.at("/valueFrom/secretKeyRef/name").asText().equals("agentbus-secrets")) {
        env.put(e.get("name").asText(), "test-value-of-" + e.at("/valueFrom/secretKeyRef/key").asText() + "-0123456789");
      } else if (e.has("value")) {
        Matcher m = ref.matcher(e.get("value").asText());
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
          m.appendReplacement(sb, env.getOrDefault(m.group(1), ""));
        }
        m.appendTail(sb);
        env.put(e.get("name").asText(), sb.toString());
      }
    }
    NodeConfig config = NodeConfig.load(new String[0], env);
    assertThat(config.nodeOptions().isClustered()).isTrue();
    assertThat(config.nodeOptions().getJoin()).isEqualTo(JoinMode.KUBERNETES);
    String service = sts.at("/spec/serviceName").asText();
    assertThat(config.nodeOptions().getKubernetesServiceDns()).isEqualTo(service + ".agents.svc.cluster.local");
    assertThat(config.nodeOptions().getPublicHost()).isEqualTo("10.1.2.3");
    assertThat(config.nodeOptions().getEventBusPublicHost()).isEqualTo("10.1.2.3");
    assertThat(config.nodeOptions().isClusterPortAutoIncrement()).isFalse();
    // reachable from the pod network, so secured: the cluster secret and the HTTP token come from the Secret
    assertThat(config.nodeOptions().getClusterSecret()).isNotNull();
    assertThat(config.http().host()).isEqualTo("0.0.0.0");
    assertThat(config.http().token()).isEqualTo("test-value-of-http-token-0123456789");
    assertThat(env.get("JAVA_TOOL_OPTIONS")).contains("-XX:+ExitOnOutOfMemoryError");
    // the driver's quorum counts the replicas: a partitioned minority of pods stops driving
    assertThat(config.nodeOptions().getExpectedMembers()).isEqualTo(sts.at("/spec/replicas").asInt());

    Map<String, Integer> ports = new HashMap<>();
    container.get("ports").forEach(p -> ports.put(p.get("name").asText(), p.get("containerPort").asInt()));
    assertThat(ports.get("http")).isEqualTo(config.httpPort());
    assertThat(ports.get("hazelcast")).isEqualTo(config.nodeOptions().getClusterPort());
    assertThat(ports.get("eventbus")).isEqualTo(config.nodeOptions().getEventBusPort());
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
    assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/health/live");
    assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("http");
    assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
  }

  @Test
  void theHeadlessServiceIsTheOneTheJoinResolves() throws Exception {
    JsonNode sts = documents("statefulset.yaml").get(0);
    JsonNode headless = documents("services.yaml").stream()
        .filter(d -> d.at("/metadata/name").asText().equals(sts.at("/spec/serviceName").asText())).findFirst().orElseThrow();
    assertThat(headless.at("/spec/clusterIP").asText()).isEqualTo("None");
    assertThat(headless.at("/spec/publishNotReadyAddresses").asBoolean()).isTrue();
    assertThat(headless.at("/spec/selector")).isEqualTo(sts.at("/spec/selector/matchLabels"));
    JsonNode pdb = documents("pdb.yaml").get(0);
    assertThat(pdb.at("/spec/selector/matchLabels")).isEqualTo(sts.at("/spec/selector/matchLabels"));
    List<String> resources = new ArrayList<>();
    documents("kustomization.yaml").get(0).get("resources").forEach(r -> resources.add(r.asText()));
    assertThat(resources).containsExactlyInAnyOrder("statefulset.yaml", "services.yaml", "pdb.yaml", "networkpolicy.yaml");
    JsonNode policy = documents("networkpolicy.yaml").get(0);
    assertThat(policy.at("/spec/podSelector/matchLabels")).isEqualTo(sts.at("/spec/selector/matchLabels"));
    // the Hazelcast and event-bus ports admit agentbus pods only
    JsonNode clusterRule = policy.at("/spec/ingress/0");
    assertThat(clusterRule.at("/from/0/podSelector/matchLabels")).isEqualTo(sts.at("/spec/selector/matchLabels"));
    List<Integer> clusterPorts = new ArrayList<>();
    clusterRule.get("ports").forEach(p -> clusterPorts.add(p.get("port").asInt()));
    assertThat(clusterPorts).containsExactlyInAnyOrder(5701, 5710);
  }
}
