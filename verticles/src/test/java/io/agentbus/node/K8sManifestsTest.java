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
    // what the kubelet would provide: the fieldRef variables, the ConfigMap, the Secret's files
    Map<String, String> env = new HashMap<>(Map.of("POD_NAMESPACE", "agents", "POD_IP", "10.1.2.3",
        "AGENTBUS_NODE_NAME", "agentbus-0"));
    assertThat(container.at("/envFrom/0/configMapRef/name").asText()).isEqualTo("agentbus-config");
    JsonNode configMap = documents("configmap.yaml").get(0);
    assertThat(configMap.at("/metadata/name").asText()).isEqualTo("agentbus-config");
    String secretsAt = null;
    for (JsonNode m : container.get("volumeMounts")) {
      if (m.get("name").asText().equals("secrets")) {
        secretsAt = m.get("mountPath").asText();
      }
    }
    assertThat(sts.at("/spec/template/spec/volumes").findValuesAsText("secretName")).containsExactly("agentbus-secrets");
    java.nio.file.Path secrets = java.nio.file.Files.createTempDirectory("agentbus-secrets");
    for (String key : List.of("cluster-secret", "http-token", "grpc-token")) {
      java.nio.file.Files.writeString(secrets.resolve(key), "test-value-of-" + key + "-0123456789");
    }
    String mount = secretsAt;
    configMap.get("data").fields().forEachRemaining(f -> env.put(f.getKey(), mount != null && f.getValue().asText().startsWith(mount + "/")
        ? secrets.resolve(f.getValue().asText().substring(mount.length() + 1)).toString() : f.getValue().asText()));
    Pattern ref = Pattern.compile("\\$\\(([A-Z_]+)\\)");
    for (JsonNode e : (ArrayNode) container.get("env")) {
      assertThat(e.has("valueFrom") && e.get("valueFrom").has("secretKeyRef")).as("secrets are files, not variables").isFalse();
      if (e.has("value")) {
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
    // the bridge listens on the pod network behind the token
    assertThat(config.verticles()).contains("market", "bridge");
    assertThat(config.bridge().getHost()).isEqualTo("0.0.0.0");
    assertThat(config.bridge().getToken()).isEqualTo("test-value-of-grpc-token-0123456789");
    // the driver's quorum counts the replicas: a partitioned minority of pods stops driving
    assertThat(config.nodeOptions().getExpectedMembers()).isEqualTo(sts.at("/spec/replicas").asInt());

    Map<String, Integer> ports = new HashMap<>();
    container.get("ports").forEach(p -> ports.put(p.get("name").asText(), p.get("containerPort").asInt()));
    assertThat(ports.get("http")).isEqualTo(config.httpPort());
    assertThat(ports.get("hazelcast")).isEqualTo(config.nodeOptions().getClusterPort());
    assertThat(ports.get("eventbus")).isEqualTo(config.nodeOptions().getEventBusPort());
    assertThat(ports.get("grpc")).isEqualTo(config.grpcPort());
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
    assertThat(resources).containsExactlyInAnyOrder("namespace.yaml", "configmap.yaml", "statefulset.yaml", "services.yaml",
        "pdb.yaml", "networkpolicy.yaml");
    JsonNode bridge = documents("services.yaml").stream()
        .filter(d -> d.at("/metadata/name").asText().equals("agentbus-bridge")).findFirst().orElseThrow();
    assertThat(bridge.at("/spec/ports/0/targetPort").asText()).isEqualTo("grpc");
    JsonNode policy = documents("networkpolicy.yaml").get(0);
    assertThat(policy.at("/spec/podSelector/matchLabels")).isEqualTo(sts.at("/spec/selector/matchLabels"));
    // the Hazelcast and event-bus ports admit agentbus pods only
    JsonNode clusterRule = policy.at("/spec/ingress/0");
    assertThat(clusterRule.at("/from/0/podSelector/matchLabels")).isEqualTo(sts.at("/spec/selector/matchLabels"));
    List<Integer> clusterPorts = new ArrayList<>();
    clusterRule.get("ports").forEach(p -> clusterPorts.add(p.get("port").asInt()));
    assertThat(clusterPorts).containsExactlyInAnyOrder(5701, 5710);
  }

  /**
   * The rendered manifests pass {@code kubernetes-validate --strict} (the current Kubernetes
   * schema, unknown fields refused) and checkov's Kubernetes checks offline, with no failed check;
   * the one skipped (the image digest) carries its reason in the StatefulSet. The linters come
   * from {@code AGENTBUS_K8S_LINT} (a virtualenv's bin directory; {@code scripts/test} makes it).
   */
  @Test
  void theRenderedManifestsPassKubernetesValidateStrictAndCheckov() throws Exception {
    String bin = System.getenv("AGENTBUS_K8S_LINT");
    assertThat(bin).as("AGENTBUS_K8S_LINT (a virtualenv with checkov and kubernetes-validate: run scripts/test)").isNotBlank();
    java.nio.file.Path rendered = java.nio.file.Files.createTempFile("agentbus-k8s", ".yaml");
    run(List.of("kubectl", "kustomize", DIR.getPath(), "-o", rendered.toString()), "kubectl kustomize");
    String validate = run(List.of(bin + "/kubernetes-validate", "--strict", rendered.toString()), "kubernetes-validate --strict");
    assertThat(validate).contains("passed for resource statefulset/agentbus").doesNotContain("ERROR");
    String checkov = run(List.of(bin + "/checkov", "-f", rendered.toString(), "--framework", "kubernetes", "--skip-download",
        "--compact"), "checkov");
    assertThat(checkov).contains("Failed checks: 0,").contains("Skipped checks: 1");
    assertThat(checkov).contains("CKV_K8S_43");  // the one skip: its reason is in the manifest
  }

  private static String run(List<String> cmd, String what) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)).as(what + " ends").isTrue();
    assertThat(p.exitValue()).as(what + " exit code; its output:\n" + out).isZero();
    return out;
  }
}
