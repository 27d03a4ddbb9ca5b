package io.agentbus.node;

import io.agentbus.node.Setting.Scope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every option of the node, each declared once: its field's name is the config-file key, its
 * {@link Option} gives the flag, type (the field's), default and help, its {@link Setting} the
 * environment variable (when not the derived one), bounds, choices and where it applies. Adding an
 * option is adding a field here and reading it in {@link NodeConfig}; {@code --help}, the
 * environment, the config file and the strictness checks follow from the declaration.
 *
 * <p>Options without a declared default are null when no source gives them; for the cluster's
 * options that means {@link io.agentbus.cluster.NodeOptions}'s own default, named in the help.
 */
@Command(name = "agentbus-node", sortOptions = false)
final class NodeCommand {

  /** One declared option, as the sources, the checks and the help see it. */
  record Declared(String key, String flag, String env, Field field, Option option, Setting setting) {

    /** @return whether the flag takes a value ({@code --cluster} does not) */
    boolean takesValue() {
      return field.getType() != boolean.class && field.getType() != Boolean.class || !option.arity().isEmpty();
    }

    /** @return the help line, with the default when one is declared */
    String help() {
      String text = String.join(" ", option.description());
      return option.defaultValue().equals(NO_DEFAULT) || field.getType() == boolean.class ? text
          : text + " (default " + option.defaultValue() + ")";
    }

    Scope scope() {
      return setting == null ? Scope.NODE : setting.scope();
    }
  }

  /** What picocli's {@code Option.defaultValue()} is when an option declares none. */
  private static final String NO_DEFAULT = "__no_default_value__";

  private static final List<Declared> DECLARED = declare();

  /** @return every option, in the order of the help */
  static List<Declared> declared() {
    return DECLARED;
  }

  /** @return the option with that config-file key */
  static Declared byKey(String key) {
    return DECLARED.stream().filter(d -> d.key().equals(key)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no option " + key));
  }

  private static List<Declared> declare() {
    List<Declared> out = new ArrayList<>();
    for (Field f : NodeCommand.class.getDeclaredFields()) {
      Option o = f.getAnnotation(Option.class);
      if (o == null || o.usageHelp() || o.versionHelp()) {
        continue;
      }
      Setting s = f.getAnnotation(Setting.class);
      String env = s != null && !s.env().isEmpty() ? s.env() : "AGENTBUS_" + f.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2")
          .toUpperCase(Locale.ROOT);
      out.add(new Declared(f.getName(), o.names()[o.names().length - 1], env, f, o, s));
    }
    return List.copyOf(out);
  }

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help")
  boolean help;

  @Option(names = "--version", versionHelp = true, description = "print the version and exit")
  boolean version;

  @Option(names = "--config", paramLabel = "FILE", description = "JSON file with any of these keys")
  String config;

  @Option(names = "--cluster", description = "join a Hazelcast cluster (default: embedded single node)")
  boolean clustered;

  @Option(names = "--log-format", defaultValue = "text",
      description = "text | json: log lines with ISO-8601 UTC timestamps, or one JSON object per line; levels: AGENTBUS_LOG_LEVEL")
  @Setting(choices = {"text", "json"})
  String logFormat;

  @Option(names = "--http-port", defaultValue = "8080", description = "HTTP port for /health, /metrics and the API")
  @Setting(min = 0, max = 65535)
  int httpPort;

  @Option(names = "--http-host", defaultValue = "127.0.0.1",
      description = "interface the HTTP server binds to (0.0.0.0 for all, then set a token)")
  String httpHost;

  @Option(names = "--http-token-file", paramLabel = "FILE",
      description = "file holding the bearer token required on /api/* and the dashboard (or AGENTBUS_HTTP_TOKEN)")
  String httpTokenFile;

  @Option(names = "--http-max-connections", defaultValue = "1000",
      description = "open HTTP connections at most; beyond it the oldest that has sent no request is closed")
  @Setting(min = 1, max = 1_000_000)
  int httpMaxConnections;

  @Option(names = "--dashboard-interval-ms", defaultValue = "500",
      description = "how often the dashboard's pages get what changed (500: twice a second; 100: 10 Hz, more CPU per page)")
  @Setting(min = 50, max = 60_000)
  long dashboardIntervalMs;

  @Option(names = "--namespace", description = "cluster namespace (default 'default')")
  String namespace;

  @Option(names = "--join", description = "tcp | multicast | kubernetes (default tcp)")
  @Setting(choices = {"tcp", "multicast", "kubernetes"}, scope = Scope.CLUSTER)
  String join;

  @Option(names = "--members", split = ",", paramLabel = "HOST[:PORT],...",
      description = "comma-separated host[:port] list for tcp join (default 127.0.0.1)")
  @Setting(scope = Scope.CLUSTER)
  List<String> members;

  @Option(names = "--cluster-host", description = "interface the cluster binds to")
  @Setting(scope = Scope.CLUSTER)
  String clusterHost;

  @Option(names = "--cluster-port", description = "Hazelcast port (default 5701, next free one taken)")
  @Setting(min = 0, max = 65535, scope = Scope.CLUSTER)
  Integer clusterPort;

  @Option(names = "--cluster-port-auto-increment", arity = "1",
      description = "true | false: try the next ports when the cluster port is taken (default true)")
  @Setting(scope = Scope.CLUSTER)
  Boolean clusterPortAutoIncrement;

  @Option(names = "--public-host", description = "address advertised to other members")
  @Setting(scope = Scope.CLUSTER)
  String publicHost;

  @Option(names = "--event-bus-host", description = "interface the event bus binds to (default: cluster host)")
  @Setting(scope = Scope.CLUSTER)
  String eventBusHost;

  @Option(names = "--event-bus-port", description = "event-bus port (default random)")
  @Setting(min = 0, max = 65535, scope = Scope.CLUSTER)
  Integer eventBusPort;

  @Option(names = "--event-bus-public-host", description = "event-bus host advertised to others")
  @Setting(scope = Scope.CLUSTER)
  String eventBusPublicHost;

  @Option(names = "--k8s-service-dns", description = "headless service DNS name for kubernetes join")
  @Setting(env = "AGENTBUS_K8S_SERVICE_DNS", scope = Scope.CLUSTER)
  String kubernetesServiceDns;

  @Option(names = "--node-name", description = "display name (default host name)")
  String nodeName;

  @Option(names = "--labels", paramLabel = "K=V,...", description = "node labels k=v,k=v (placement constraints)")
  String labels;

  @Option(names = "--cores", description = "processors this node offers to placement (default: those the JVM sees)")
  @Setting(min = 1, max = 100_000)
  Integer cores;

  @Option(names = "--gpus", description = "GPUs this node offers to placement (default: those detected, NVIDIA's driver files)")
  @Setting(min = 0, max = 1_000)
  Integer gpus;

  @Option(names = "--cluster-secret-file", paramLabel = "FILE",
      description = "file holding the secret all members share (or AGENTBUS_CLUSTER_SECRET): event-bus mutual TLS, signed node infos, "
          + "sealed maps")
  String clusterSecretFile;

  @Option(names = "--event-bus-tls-cert", paramLabel = "PEM",
      description = "PEM certificate of this node for the event bus's mutual TLS (default: derived from the cluster secret)")
  @Setting(scope = Scope.CLUSTER)
  String eventBusTlsCert;

  @Option(names = "--event-bus-tls-key", paramLabel = "PEM", description = "PEM private key for --event-bus-tls-cert")
  @Setting(scope = Scope.CLUSTER)
  String eventBusTlsKey;

  @Option(names = "--event-bus-tls-ca", paramLabel = "PEM", description = "PEM CA that issued every member's event-bus certificate")
  @Setting(scope = Scope.CLUSTER)
  String eventBusTlsCa;

  @Option(names = "--failure-detection-seconds", description = "seconds without heartbeat before a member is dead (default 10)")
  @Setting(scope = Scope.CLUSTER)
  Integer failureDetectionSeconds;

  @Option(names = "--expected-members",
      description = "members the cluster is meant to have: leadership needs a majority of them (default 0: no quorum)")
  @Setting(scope = Scope.CLUSTER)
  Integer expectedMembers;

  @Option(names = "--agents", split = ",", paramLabel = "JAR,...",
      description = "comma-separated jars of your own agents: each names its io.agentbus.agent.AgentModule classes in META-INF/services")
  List<String> agents;

  @Option(names = "--verticles", split = ",", defaultValue = "market", paramLabel = "NAME,...",
      description = "comma-separated verticles to run: market, bridge (AutoGen gRPC host), llm (LLM agents), probe (delivery canary)")
  @Setting(choices = {"market", "bridge", "llm", "probe"})
  List<String> verticles;

  @Option(names = "--grpc-port", defaultValue = "50051", description = "port of the AutoGen gRPC bridge")
  @Setting(min = 0, max = 65535)
  int grpcPort;

  @Option(names = "--grpc-host", defaultValue = "127.0.0.1",
      description = "interface of the AutoGen gRPC bridge (beyond loopback set a token or an allow-list)")
  String grpcHost;

  @Option(names = "--grpc-token-file", paramLabel = "FILE",
      description = "file holding the bearer token bridge calls must carry (or AGENTBUS_GRPC_TOKEN); unmodified AutoGen workers send none")
  String grpcTokenFile;

  @Option(names = "--grpc-allow", split = ",", paramLabel = "CIDR,...",
      description = "comma-separated networks (CIDR) admitted to the bridge without a token, e.g. 10.1.0.0/16 (for unmodified AutoGen workers)")
  List<String> grpcAllow;

  @Option(names = "--grpc-tls-cert", paramLabel = "PEM", description = "PEM certificate: the bridge serves gRPC over TLS")
  String grpcTlsCert;

  @Option(names = "--grpc-tls-key", paramLabel = "PEM", description = "PEM private key for --grpc-tls-cert")
  String grpcTlsKey;

  @Option(names = "--grpc-tls-client-ca", paramLabel = "PEM",
      description = "PEM CA: the bridge requires client certificates issued by it (mutual TLS, Java workers)")
  String grpcTlsClientCa;

  @Option(names = "--grpc-max-message-bytes", defaultValue = "4194304",
      description = "largest message the bridge carries (AutoGen's 4 MiB); bigger ones are refused alone")
  @Setting(min = 1024, max = 256L * 1024 * 1024)
  int grpcMaxMessageBytes;

  @Option(names = "--grpc-reconnect-grace-ms", defaultValue = "0",
      description = "a worker whose connection drops keeps its types this long, RPCs to it wait (0: withdrawn at once)")
  @Setting(min = 0, max = 3_600_000)
  long grpcReconnectGraceMs;

  @Option(names = "--microgrids", defaultValue = "3", description = "number of microgrids in the market")
  @Setting(min = 1, max = 100_000)
  int microgrids;

  @Option(names = "--step-interval-ms", defaultValue = "1000", description = "market step interval in ms")
  @Setting(min = 1, max = 3_600_000)
  long stepIntervalMs;

  @Option(names = "--seed", defaultValue = "42", description = "market seed")
  long seed;

  @Option(names = "--llm-base-url", paramLabel = "URL",
      description = "OpenAI-compatible endpoint for the llm verticle, e.g. http://127.0.0.1:8000/v1 (required with llm)")
  String llmBaseUrl;

  @Option(names = "--llm-api-key", description = "bearer token for the endpoint (prefer the environment)")
  String llmApiKey;

  @Option(names = "--llm-api-key-file", paramLabel = "FILE",
      description = "file holding the endpoint's bearer token (a mounted Secret; instead of --llm-api-key)")
  String llmApiKeyFile;

  @Option(names = "--llm-model", description = "model name (default gpt-4o-mini; smollm2-135m-instruct with --llm-local)")
  String llmModel;

  @Option(names = "--llm-price", defaultValue = "0.00015,0.0006", paramLabel = "PROMPT,COMPLETION",
      description = "dollars per 1,000 prompt,completion tokens (gpt-4o-mini's list price; 0,0 with --llm-local)")
  String llmPrice;

  @Option(names = "--llm-max-daily-cost-usd", defaultValue = "1", description = "cluster-wide daily cost cap in dollars, 0 for none")
  @Setting(min = 0)
  double llmMaxDailyCostUsd;

  @Option(names = "--llm-max-tokens-per-run", defaultValue = "20000", description = "token budget of one run, 0 for none")
  @Setting(min = 0)
  long llmMaxTokensPerRun;

  @Option(names = "--llm-max-tokens-per-call", defaultValue = "1024",
      description = "completion-token limit of one model call, also what the cost cap reserves per call")
  @Setting(min = 1, max = 1_000_000)
  int llmMaxTokensPerCall;

  @Option(names = "--llm-max-tool-calls-per-minute", defaultValue = "60", description = "cluster-wide tool calls per minute, 0 for none")
  @Setting(min = 0, max = 1_000_000)
  int llmMaxToolCallsPerMinute;

  @Option(names = "--llm-max-agents", defaultValue = "1000",
      description = "assistant agents (one per key) active on this node at most; runs beyond it get 429")
  @Setting(min = 1, max = 10_000_000)
  int llmMaxAgents;

  @Option(names = "--llm-idle-seconds", defaultValue = "300", description = "an assistant agent idle this long is deactivated")
  @Setting(min = 1, max = 86_400L * 365)
  long llmIdleSeconds;

  @Option(names = "--llm-max-broadcasts-per-second", defaultValue = "100",
      description = "intentions and tool-audit records this node publishes a second at most (bursts of twice that); more are dropped "
          + "and counted")
  @Setting(min = 1, max = 1_000_000)
  int llmMaxBroadcastsPerSecond;

  @Option(names = "--llm-local", arity = "0..1", fallbackValue = "true", paramLabel = "FILE.gguf",
      description = "run the bundled SmolLM2-135M in-process, served on loopback as /v1/chat/completions (or --llm-local=FILE.gguf); "
          + "no API key")
  @Setting(scope = Scope.LLM)
  String llmLocal;

  @Option(names = "--llm-local-queue", defaultValue = "16", description = "generations waiting for the local model at most; beyond it "
      + "requests get 429")
  @Setting(min = 1, max = 10_000)
  int llmLocalQueue;

  @Option(names = "--llm-store", defaultValue = "memory",
      description = "memory | firestore: where runs and handoff offers are kept (memory: the cluster's shared data)")
  @Setting(choices = {"memory", "firestore"}, scope = Scope.LLM)
  String llmStore;

  @Option(names = "--llm-events", defaultValue = "bus",
      description = "bus | pubsub: where intentions, tool audit and handoff offers are published (pubsub adds Pub/Sub)")
  @Setting(choices = {"bus", "pubsub"}, scope = Scope.LLM)
  String llmEvents;

  @Option(names = "--llm-snapshots", defaultValue = "memory", description = "memory | gcs: where run contexts are kept for handoffs")
  @Setting(choices = {"memory", "gcs"}, scope = Scope.LLM)
  String llmSnapshots;

  @Option(names = "--gcp-project",
      description = "Google Cloud project for firestore, pubsub, gcs (or GOOGLE_CLOUD_PROJECT); emulators from *_EMULATOR_HOST")
  @Setting(scope = Scope.LLM)
  String gcpProject;

  @Option(names = "--llm-workspace", defaultValue = "agentbus",
      description = "Pub/Sub topic prefix: {workspace}, {workspace}-tools, {workspace}-handoff")
  @Setting(scope = Scope.LLM)
  String llmWorkspace;

  @Option(names = "--otel-endpoint", paramLabel = "URL",
      description = "OTLP/HTTP base URL (e.g. http://127.0.0.1:4318): spans of sends, publishes and LLM runs are exported to it "
          + "(or OTEL_EXPORTER_OTLP_ENDPOINT; default: none, no cost)")
  String otelEndpoint;
}
