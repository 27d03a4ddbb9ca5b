package io.agentbus.node;

import io.agentbus.cluster.NodeOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The node's configuration, from (lowest to highest precedence) defaults, a JSON file
 * ({@code --config} / {@code AGENTBUS_CONFIG}), environment variables and command-line flags. A bad
 * value fails with a {@link ConfigException} naming the key and where the value came from.
 */
public final class NodeConfig {

  /** Option: key, flag, environment variable, whether the flag takes a value, help. */
  record Option(String key, String flag, String env, boolean takesValue, String help) {
  }

  static final List<Option> OPTIONS = List.of(
      new Option("config", "--config", "AGENTBUS_CONFIG", true, "JSON file with any of these keys"),
      new Option("clustered", "--cluster", "AGENTBUS_CLUSTERED", false, "join a Hazelcast cluster (default: embedded single node)"),
      new Option("logFormat", "--log-format", "AGENTBUS_LOG_FORMAT", true,
          "text | json: log lines with ISO-8601 UTC timestamps, or one JSON object per line (default text); levels: AGENTBUS_LOG_LEVEL"),
      new Option("httpPort", "--http-port", "AGENTBUS_HTTP_PORT", true, "HTTP port for /health, /metrics and the API (default 8080)"),
      new Option("httpHost", "--http-host", "AGENTBUS_HTTP_HOST", true,
          "interface the HTTP server binds to (default 127.0.0.1; 0.0.0.0 for all, then set a token)"),
      new Option("httpTokenFile", "--http-token-file", "AGENTBUS_HTTP_TOKEN_FILE", true,
          "file holding the bearer token required on /api/* and the dashboard (or AGENTBUS_HTTP_TOKEN)"),
      new Option("httpMaxConnections", "--http-max-connections", "AGENTBUS_HTTP_MAX_CONNECTIONS", true,
          "open HTTP connections at most; beyond it the oldest that has sent no request is closed (default 1000)"),
      new Option("namespace", "--namespace", "AGENTBUS_NAMESPACE", true, "cluster namespace (default 'default')"),
      new Option("join", "--join", "AGENTBUS_JOIN", true, "tcp | multicast | kubernetes (default tcp)"),
      new Option("members", "--members", "AGENTBUS_MEMBERS", true, "comma-separated host[:port] list for tcp join (default 127.0.0.1)"),
      new Option("clusterHost", "--cluster-host", "AGENTBUS_CLUSTER_HOST", true, "interface the cluster binds to"),
      new Option("clusterPort", "--cluster-port", "AGENTBUS_CLUSTER_PORT", true, "Hazelcast port (default 5701, next free one taken)"),
      new Option("clusterPortAutoIncrement", "--cluster-port-auto-increment", "AGENTBUS_CLUSTER_PORT_AUTO_INCREMENT", true,
          "true | false: try the next ports when the cluster port is taken (default true)"),
      new Option("publicHost", "--public-host", "AGENTBUS_PUBLIC_HOST", true, "address advertised to other members"),
      new Option("eventBusHost", "--event-bus-host", "AGENTBUS_EVENT_BUS_HOST", true, "interface the event bus binds to (default: cluster host)"),
      new Option("eventBusPort", "--event-bus-port", "AGENTBUS_EVENT_BUS_PORT", true, "event-bus port (default random)"),
      new Option("eventBusPublicHost", "--event-bus-public-host", "AGENTBUS_EVENT_BUS_PUBLIC_HOST", true, "event-bus host advertised to others"),
      new Option("kubernetesServiceDns", "--k8s-service-dns", "AGENTBUS_K8S_SERVICE_DNS", true, "headless service DNS name for kubernetes join"),
      new Option("nodeName", "--node-name", "AGENTBUS_NODE_NAME", true, "display name (default host name)"),
      new Option("labels", "--labels", "AGENTBUS_LABELS", true, "node labels k=v,k=v (placement constraints)"),
      new Option("clusterSecretFile", "--cluster-secret-file", "AGENTBUS_CLUSTER_SECRET_FILE", true,
          "file holding the secret all members share (or AGENTBUS_CLUSTER_SECRET): event-bus mutual TLS, signed node infos, sealed maps"),
      new Option("eventBusTlsCert", "--event-bus-tls-cert", "AGENTBUS_EVENT_BUS_TLS_CERT", true,
          "PEM certificate of this node for the event bus's mutual TLS (default: derived from the cluster secret)"),
      new Option("eventBusTlsKey", "--event-bus-tls-key", "AGENTBUS_EVENT_BUS_TLS_KEY", true, "PEM private key for --event-bus-tls-cert"),
      new Option("eventBusTlsCa", "--event-bus-tls-ca", "AGENTBUS_EVENT_BUS_TLS_CA", true,
          "PEM CA that issued every member's event-bus certificate"),
      new Option("failureDetectionSeconds", "--failure-detection-seconds", "AGENTBUS_FAILURE_DETECTION_SECONDS", true,
          "seconds without heartbeat before a member is dead (default 10)"),
      new Option("expectedMembers", "--expected-members", "AGENTBUS_EXPECTED_MEMBERS", true,
          "members the cluster is meant to have: leadership needs a majority of them (default 0: no quorum)"),
      new Option("agents", "--agents", "AGENTBUS_AGENTS", true,
          "comma-separated jars of your own agents: each names its io.agentbus.agent.AgentModule classes in META-INF/services"),
      new Option("verticles", "--verticles", "AGENTBUS_VERTICLES", true,
          "comma-separated verticles to run: market, bridge (AutoGen gRPC host), llm (LLM agents), probe (delivery canary) (default market)"),
      new Option("grpcPort", "--grpc-port", "AGENTBUS_GRPC_PORT", true, "port of the AutoGen gRPC bridge (default 50051)"),
      new Option("grpcHost", "--grpc-host", "AGENTBUS_GRPC_HOST", true,
          "interface of the AutoGen gRPC bridge (default 127.0.0.1; beyond loopback set a token or an allow-list)"),
      new Option("grpcTokenFile", "--grpc-token-file", "AGENTBUS_GRPC_TOKEN_FILE", true,
          "file holding the bearer token bridge calls must carry (or AGENTBUS_GRPC_TOKEN); unmodified AutoGen workers send none"),
      new Option("grpcAllow", "--grpc-allow", "AGENTBUS_GRPC_ALLOW", true,
          "comma-separated networks (CIDR) admitted to the bridge without a token, e.g. 10.1.0.0/16 (for unmodified AutoGen workers)"),
      new Option("grpcTlsCert", "--grpc-tls-cert", "AGENTBUS_GRPC_TLS_CERT", true, "PEM certificate: the bridge serves gRPC over TLS"),
      new Option("grpcTlsKey", "--grpc-tls-key", "AGENTBUS_GRPC_TLS_KEY", true, "PEM private key for --grpc-tls-cert"),
      new Option("grpcMaxMessageBytes", "--grpc-max-message-bytes", "AGENTBUS_GRPC_MAX_MESSAGE_BYTES", true,
          "largest message the bridge carries (default 4194304, AutoGen's 4 MiB); bigger ones are refused alone"),
      new Option("grpcReconnectGraceMs", "--grpc-reconnect-grace-ms", "AGENTBUS_GRPC_RECONNECT_GRACE_MS", true,
          "a worker whose connection drops keeps its types this long, RPCs to it wait (default 0: withdrawn at once)"),
      new Option("grpcTlsClientCa", "--grpc-tls-client-ca", "AGENTBUS_GRPC_TLS_CLIENT_CA", true,
          "PEM CA: the bridge requires client certificates issued by it (mutual TLS, Java workers)"),
      new Option("microgrids", "--microgrids", "AGENTBUS_MICROGRIDS", true, "number of microgrids in the market (default 3)"),
      new Option("stepIntervalMs", "--step-interval-ms", "AGENTBUS_STEP_INTERVAL_MS", true, "market step interval in ms (default 1000)"),
      new Option("seed", "--seed", "AGENTBUS_SEED", true, "market seed (default 42)"),
      new Option("llmBaseUrl", "--llm-base-url", "AGENTBUS_LLM_BASE_URL", true,
          "OpenAI-compatible endpoint for the llm verticle, e.g. http://127.0.0.1:8000/v1 (required with llm)"),
      new Option("llmApiKey", "--llm-api-key", "AGENTBUS_LLM_API_KEY", true, "bearer token for the endpoint (prefer the environment)"),
      new Option("llmApiKeyFile", "--llm-api-key-file", "AGENTBUS_LLM_API_KEY_FILE", true,
          "file holding the endpoint's bearer token (a mounted Secret; instead of --llm-api-key)"),
      new Option("llmModel", "--llm-model", "AGENTBUS_LLM_MODEL", true, "model name (default gpt-4o-mini)"),
      new Option("llmPrice", "--llm-price", "AGENTBUS_LLM_PRICE", true,
          "dollars per 1,000 prompt,completion tokens (default 0.00015,0.0006: gpt-4o-mini's list price)"),
      new Option("llmMaxDailyCostUsd", "--llm-max-daily-cost-usd", "AGENTBUS_LLM_MAX_DAILY_COST_USD", true,
          "cluster-wide daily cost cap in dollars, 0 for none (default 1)"),
      new Option("llmMaxTokensPerRun", "--llm-max-tokens-per-run", "AGENTBUS_LLM_MAX_TOKENS_PER_RUN", true,
          "token budget of one run, 0 for none (default 20000)"),
      new Option("llmMaxTokensPerCall", "--llm-max-tokens-per-call", "AGENTBUS_LLM_MAX_TOKENS_PER_CALL", true,
          "completion-token limit of one model call, also what the cost cap reserves per call (default 1024)"),
      new Option("llmMaxToolCallsPerMinute", "--llm-max-tool-calls-per-minute", "AGENTBUS_LLM_MAX_TOOL_CALLS_PER_MINUTE", true,
          "cluster-wide tool calls per minute, 0 for none (default 60)"),
      new Option("llmMaxAgents", "--llm-max-agents", "AGENTBUS_LLM_MAX_AGENTS", true,
          "assistant agents (one per key) active on this node at most; runs beyond it get 429 (default 1000)"),
      new Option("llmIdleSeconds", "--llm-idle-seconds", "AGENTBUS_LLM_IDLE_SECONDS", true,
          "an assistant agent idle this long is deactivated (default 300)"),
      new Option("llmMaxBroadcastsPerSecond", "--llm-max-broadcasts-per-second", "AGENTBUS_LLM_MAX_BROADCASTS_PER_SECOND", true,
          "intentions and tool-audit records this node publishes a second at most (bursts of twice that); more are dropped and "
              + "counted (default 100)"),
      new Option("llmLocal", "--llm-local", "AGENTBUS_LLM_LOCAL", false,
          "run the bundled SmolLM2-135M in-process, served on loopback as /v1/chat/completions (or --llm-local=FILE.gguf); no API key"),
      new Option("llmLocalQueue", "--llm-local-queue", "AGENTBUS_LLM_LOCAL_QUEUE", true,
          "generations waiting for the local model at most; beyond it requests get 429 (default 16)"),
      new Option("llmStore", "--llm-store", "AGENTBUS_LLM_STORE", true,
          "memory | firestore: where runs and handoff offers are kept (default memory: the cluster's shared data)"),
      new Option("llmEvents", "--llm-events", "AGENTBUS_LLM_EVENTS", true,
          "bus | pubsub: where intentions, tool audit and handoff offers are published (default bus; pubsub adds Pub/Sub)"),
      new Option("llmSnapshots", "--llm-snapshots", "AGENTBUS_LLM_SNAPSHOTS", true,
          "memory | gcs: where run contexts are kept for handoffs (default memory)"),
      new Option("gcpProject", "--gcp-project", "AGENTBUS_GCP_PROJECT", true,
          "Google Cloud project for firestore, pubsub, gcs (or GOOGLE_CLOUD_PROJECT); emulators from *_EMULATOR_HOST"),
      new Option("otelEndpoint", "--otel-endpoint", "AGENTBUS_OTEL_ENDPOINT", true,
          "OTLP/HTTP base URL (e.g. http://127.0.0.1:4318): spans of sends, publishes and LLM runs are exported to it "
              + "(or OTEL_EXPORTER_OTLP_ENDPOINT; default: none, no cost)"),
      new Option("llmWorkspace", "--llm-workspace", "AGENTBUS_LLM_WORKSPACE", true,
          "Pub/Sub topic prefix: {workspace}, {workspace}-tools, {workspace}-handoff (default agentbus)"));

  /** The environment variable that may hold the bridge token itself. */
  static final String GRPC_TOKEN_ENV = "AGENTBUS_GRPC_TOKEN";

  /** The environment variable that may hold the cluster secret itself. */
  static final String CLUSTER_SECRET_ENV = "AGENTBUS_CLUSTER_SECRET";

  /** The environment variable that may hold the HTTP token itself (never a flag: flags show in ps). */
  static final String HTTP_TOKEN_ENV = "AGENTBUS_HTTP_TOKEN";

  private static final List<String> KNOWN_VERTICLES = List.of("market", "bridge", "llm", "probe");

  private final NodeOptions nodeOptions;
  private final int httpPort;
  private final List<String> verticles;
  private final int microgrids;
  private final long stepIntervalMs;
  private final long seed;
  private final int grpcPort;
  private final String grpcHost;
  private final boolean help;
  private final LlmConfig llm;
  private final HttpConfig http;
  private List<Path> agentJars = List.of();

  private NodeConfig(NodeOptions nodeOptions, int httpPort, List<String> verticles, int microgrids, long stepIntervalMs,
                     long seed, int grpcPort, String grpcHost, boolean help, LlmConfig llm, HttpConfig http) {
    this.nodeOptions = nodeOptions;
    this.httpPort = httpPort;
    this.verticles = verticles;
    this.microgrids = microgrids;
    this.stepIntervalMs = stepIntervalMs;
    this.seed = seed;
    this.grpcPort = grpcPort;
    this.grpcHost = grpcHost;
    this.help = help;
    this.llm = llm;
    this.http = http;
  }

  /** A configuration error naming the key and its source. */
  public static final class ConfigException extends RuntimeException implements io.agentbus.error.AgentBusFailure {
    ConfigException(String message) {
      super(message);
    }

    @Override
    public io.agentbus.error.ErrorCode code() {
      return io.agentbus.error.ErrorCode.INVALID_ARGUMENT;
    }
  }

  /**
   * @param args command-line arguments
   * @param env the environment
   * @return the configuration
   * @throws ConfigException on any bad key or value
   */
  public static NodeConfig load(String[] args, Map<String, String> env) {
    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    Map<String, Object> cli = new LinkedHashMap<>();
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        help = true;
        continue;
      }

      String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      Option o = OPTIONS.stream().filter(x -> x.flag().equals(flag)).findFirst()
          .orElseThrow(() -> new ConfigException("unknown option " + flag + " (see --help)"));
      if (!o.takesValue()) {
        cli.put(o.key(), a.contains("=") ? a.substring(a.indexOf('=') + 1) : "true");
      } else if (a.contains("=")) {
        cli.put(o.key(), a.substring(a.indexOf('=') + 1));
      } else if (i + 1 < args.length) {
        cli.put(o.key(), args[++i]);
      } else {
        throw new ConfigException(flag + " needs a value");
      }
    }
    String file = (String) cli.getOrDefault("config", env.get("AGENTBUS_CONFIG"));
    if (file != null) {
      readFile(file).forEach(e -> {
        if (e.getValue() == null) {
          throw new ConfigException("bad value for " + e.getKey() + " (key '" + e.getKey() + "' in " + file
              + "): null; leave the key out to use the default");
        }
        values.put(e.getKey(), e.getValue());
        sources.put(e.getKey(), "key '" + e.getKey() + "' in " + file);
      });
    }
    for (Option o : OPTIONS) {
      String v = env.get(o.env());
      if (v != null && !v.isBlank()) {
        values.put(o.key(), v.trim());
        sources.put(o.key(), "environment variable " + o.env());
      }
    }
    cli.forEach((k, v) -> {
      values.put(k, v);
      sources.put(k, OPTIONS.stream().filter(o -> o.key().equals(k)).findFirst().get().flag());
    });
    values.remove("config");
    for (String k : values.keySet()) {
      if (!k.equals("grpcToken") && OPTIONS.stream().noneMatch(o -> o.key().equals(k))) {
        throw new ConfigException("unknown key '" + k + "' (" + sources.get(k) + ")");
      }
    }
    String token = env.get(HTTP_TOKEN_ENV);
    String secret = env.get(CLUSTER_SECRET_ENV);
    String grpcToken = env.get(GRPC_TOKEN_ENV);
    if (grpcToken != null && !grpcToken.isBlank()) {
      values.putIfAbsent("grpcToken", grpcToken.trim());
    }
    return build(values, sources, help, token == null || token.isBlank() ? null : token.trim(),
        secret == null || secret.isBlank() ? null : secret.trim(), env);
  }

  private static NodeConfig build(Map<String, Object> values, Map<String, String> sources, boolean help, String envToken,
                                  String envSecret, Map<String, String> env) {
    String secretText = envSecret;
    Object secretFile = values.remove("clusterSecretFile");
    if (secretFile != null) {
      secretText = secretFile("clusterSecretFile", String.valueOf(secretFile), sources);
    }
    io.agentbus.cluster.ClusterSecret secret;
    try {
      secret = secretText == null ? null : io.agentbus.cluster.ClusterSecret.of(secretText);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("bad cluster secret (" + (secretFile != null ? sources.get("clusterSecretFile") : CLUSTER_SECRET_ENV)
          + "): " + e.getMessage());
    }
    JsonObject nodeJson = new JsonObject();
    for (String k : new ArrayList<>(values.keySet())) {
      if (NodeOptions.ENVIRONMENT.containsKey(k)) {
        nodeJson.put(k, values.remove(k));
      }
    }
    NodeOptions nodeOptions;
    try {
      nodeOptions = new NodeOptions();
      for (String k : nodeJson.fieldNames()) {
        try {
          nodeOptions = new NodeOptions(nodeOptions.toJson().put(k, nodeJson.getValue(k)));
        } catch (IllegalArgumentException e) {
          throw new ConfigException("bad value for " + k + " (" + sources.get(k) + "): " + rootMessage(e));
        }
      }
      nodeOptions.setClusterSecret(secret);
      nodeOptions.validate();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    if (!nodeOptions.isClustered()) {
      for (String k : CLUSTER_ONLY) {
        if (sources.containsKey(k)) {
          throw new ConfigException(k + " (" + sources.get(k) + ") applies to a clustered node only: add --cluster "
              + "(AGENTBUS_CLUSTERED=true), or leave it out for an embedded node");
        }
      }
    }
    int httpPort = (int) number(values, sources, "httpPort", 8080, 0, 65535);
    int microgrids = (int) number(values, sources, "microgrids", 3, 1, 100_000);
    long interval = number(values, sources, "stepIntervalMs", 1000, 1, 3_600_000);
    long seed = number(values, sources, "seed", 42, Long.MIN_VALUE, Long.MAX_VALUE);
    int grpcPort = (int) number(values, sources, "grpcPort", 50051, 0, 65535);
    String grpcHost = String.valueOf(values.getOrDefault("grpcHost", "127.0.0.1")).trim();
    if (grpcHost.isEmpty()) {
      throw new ConfigException("bad value for grpcHost (" + sources.get("grpcHost") + "): empty");
    }
    List<String> verticles = new ArrayList<>();
    Object v = values.getOrDefault("verticles", "market");
    for (Object x : v instanceof JsonArray ? ((JsonArray) v).getList() : List.of(String.valueOf(v).split(","))) {
      String name = String.valueOf(x).trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      if (!KNOWN_VERTICLES.contains(name)) {
        throw new ConfigException("bad value for verticles (" + sources.getOrDefault("verticles", "default")
            + "): unknown verticle '" + name + "' (known: " + KNOWN_VERTICLES + ")");
      }
      verticles.add(name);
    }
    NodeConfig c = new NodeConfig(nodeOptions, httpPort, verticles, microgrids, interval, seed, grpcPort, grpcHost, help,
        llm(values, sources, verticles.contains("llm") && !help, env), http(values, sources, envToken));
    if (!verticles.contains("llm")) {
      for (String k : GCP_KEYS) {
        if (sources.containsKey(k)) {
          throw new ConfigException(k + " (" + sources.get(k) + ") applies to the llm verticle only: add llm to --verticles, or leave it out");
        }
      }
      if (sources.containsKey("llmLocal")) {
        throw new ConfigException("llmLocal (" + sources.get("llmLocal") + ") applies to the llm verticle only: add llm to --verticles");
      }
    }
    c.bridge = bridge(values, sources, grpcHost, grpcPort);
    Object otel = values.get("otelEndpoint");
    String otelEndpoint = otel != null && !String.valueOf(otel).isBlank() ? String.valueOf(otel).trim()
        : env.get("OTEL_EXPORTER_OTLP_ENDPOINT") != null && !env.get("OTEL_EXPORTER_OTLP_ENDPOINT").isBlank()
        ? env.get("OTEL_EXPORTER_OTLP_ENDPOINT").trim() : null;
    if (otelEndpoint != null) {
      try {
        java.net.URI u = new java.net.URI(otelEndpoint);
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
          throw new java.net.URISyntaxException(otelEndpoint, "expected http(s)://host:port");
        }
      } catch (java.net.URISyntaxException e) {
        throw new ConfigException("bad value for otelEndpoint (" + sources.getOrDefault("otelEndpoint", "OTEL_EXPORTER_OTLP_ENDPOINT")
            + "): " + e.getMessage());
      }
    }
    c.otelEndpoint = otelEndpoint;
    String format = String.valueOf(values.getOrDefault("logFormat", "text")).trim().toLowerCase(Locale.ROOT);
    if (!format.equals("text") && !format.equals("json")) {
      throw new ConfigException("bad value for logFormat (" + sources.get("logFormat") + "): expected text or json, got '"
          + values.get("logFormat") + "'");
    }
    c.logFormat = format;
    c.agentJars = agentJars(values, sources);
    return c;
  }

  private static List<Path> agentJars(Map<String, Object> values, Map<String, String> sources) {
    Object v = values.get("agents");
    if (v == null) {
      return List.of();
    }
    List<Path> jars = new ArrayList<>();
    for (Object x : v instanceof JsonArray ? ((JsonArray) v).getList() : List.of(String.valueOf(v).split(","))) {
      String name = String.valueOf(x).trim();
      if (name.isEmpty()) {
        continue;
      }
      Path jar = Path.of(name);
      if (!Files.isRegularFile(jar)) {
        throw new ConfigException("bad value for agents (" + sources.get("agents") + "): " + name + " is not a file");
      }
      jars.add(jar);
    }
    return List.copyOf(jars);
  }

  private static io.agentbus.grpc.AgentRpcHostOptions bridge(Map<String, Object> values, Map<String, String> sources,
                                                             String host, int port) {
    io.agentbus.grpc.AgentRpcHostOptions o = new io.agentbus.grpc.AgentRpcHostOptions().setHost(host).setPort(port);
    o.setMaxMessageBytes((int) number(values, sources, "grpcMaxMessageBytes",
        io.agentbus.grpc.AgentRpcHostOptions.DEFAULT_MAX_MESSAGE_BYTES, 1024, 256L * 1024 * 1024));
    o.setReconnectGraceMillis(number(values, sources, "grpcReconnectGraceMs", 0, 0, 3_600_000));
    String key = "grpcTokenFile";
    try {
      Object file = values.get("grpcTokenFile");
      key = file != null ? "grpcTokenFile" : "grpcToken";
      String token = file != null ? secretFile("grpcTokenFile", String.valueOf(file), sources) : (String) values.get("grpcToken");
      if (token != null) {
        o.setToken(token);
      }
      key = "grpcAllow";
      Object allow = values.get("grpcAllow");
      if (allow != null) {
        o.setAllowedNetworks(java.util.Arrays.stream(String.valueOf(allow).split(",")).map(String::trim)
            .filter(x -> !x.isEmpty()).toList());
      }
      key = "grpcTlsCert";
      Object cert = values.get("grpcTlsCert");
      Object tlsKey = values.get("grpcTlsKey");
      if (cert != null || tlsKey != null) {
        o.setTls(cert == null ? null : String.valueOf(cert), tlsKey == null ? null : String.valueOf(tlsKey));
      }
      key = "grpcTlsClientCa";
      if (values.get("grpcTlsClientCa") != null) {
        if (cert == null) {
          throw new IllegalArgumentException("mutual TLS needs the bridge's own --grpc-tls-cert and --grpc-tls-key");
        }
        o.setTlsClientCaPath(String.valueOf(values.get("grpcTlsClientCa")));
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException("bad value for " + key + " (" + sources.getOrDefault(key, GRPC_TOKEN_ENV) + "): " + e.getMessage());
    }
    return o;
  }

  private io.agentbus.grpc.AgentRpcHostOptions bridge;

  /** @return the bridge's options (host, port, access, TLS) */
  public io.agentbus.grpc.AgentRpcHostOptions bridge() {
    return bridge;
  }

  private static HttpConfig http(Map<String, Object> values, Map<String, String> sources, String envToken) {
    String host = String.valueOf(values.getOrDefault("httpHost", "127.0.0.1")).trim();
    if (host.isEmpty()) {
      throw new ConfigException("bad value for httpHost (" + sources.get("httpHost") + "): empty");
    }
    String token = envToken;
    Object file = values.get("httpTokenFile");
    if (file != null) {
      token = secretFile("httpTokenFile", String.valueOf(file), sources);
    }
    if (token != null && token.length() < io.agentbus.cluster.BearerToken.MIN_LENGTH) {
      throw new ConfigException("the HTTP token (" + (file != null ? sources.get("httpTokenFile") : HTTP_TOKEN_ENV)
          + ") is shorter than " + io.agentbus.cluster.BearerToken.MIN_LENGTH + " characters: use a random one, e.g. openssl rand -hex 32");
    }
    int maxConnections = (int) number(values, sources, "httpMaxConnections", 1000, 1, 1_000_000);
    return new HttpConfig(host, token, maxConnections);
  }

  /** Reads a secret from a file (trimmed), failing with the key and its source. */
  static String secretFile(String key, String path, Map<String, String> sources) {
    try {
      String v = Files.readString(Path.of(path)).trim();
      if (v.isEmpty()) {
        throw new ConfigException("bad value for " + key + " (" + sources.get(key) + "): " + path + " is empty");
      }
      return v;
    } catch (IOException e) {
      throw new ConfigException("bad value for " + key + " (" + sources.get(key) + "): cannot read " + path + ": " + e.getMessage());
    }
  }

  /** @return the HTTP server settings */
  public HttpConfig http() {
    return http;
  }

  private static LlmConfig llm(Map<String, Object> values, Map<String, String> sources, boolean required, Map<String, String> env) {
    Object url = values.get("llmBaseUrl");
    String local = localModel(values, sources, env);
    if (local != null && url != null && !String.valueOf(url).isBlank()) {
      throw new ConfigException("llmLocal (" + sources.get("llmLocal") + ") and llmBaseUrl (" + sources.get("llmBaseUrl")
          + ") both name the model: choose one");
    }
    if (url == null || String.valueOf(url).isBlank()) {
      if (required && local == null) {
        throw new ConfigException("the llm verticle needs llmBaseUrl (--llm-base-url or AGENTBUS_LLM_BASE_URL), "
            + "an OpenAI-compatible endpoint such as http://127.0.0.1:8000/v1, or --llm-local for the bundled model");
      }
      url = null;
    } else {
      try {
        new io.agentbus.llm.OpenAiOptions().setBaseUrl(String.valueOf(url).trim());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("bad value for llmBaseUrl (" + sources.get("llmBaseUrl") + "): " + e.getMessage());
      }
    }
    String price = String.valueOf(values.getOrDefault("llmPrice", "0.00015,0.0006"));
    String[] parts = price.split(",");
    double prompt;
    double completion;
    try {
      prompt = Double.parseDouble(parts[0].trim());
      completion = Double.parseDouble(parts[1].trim());
      if (parts.length != 2 || prompt < 0 || completion < 0) {
        throw new NumberFormatException();
      }
    } catch (RuntimeException e) {
      throw new ConfigException("bad value for llmPrice (" + sources.get("llmPrice") + "): expected 'prompt,completion' dollars "
          + "per 1,000 tokens, got '" + price + "'");
    }
    double cap;
    try {
      cap = Double.parseDouble(String.valueOf(values.getOrDefault("llmMaxDailyCostUsd", "1")).trim());
      if (cap < 0 || Double.isNaN(cap)) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new ConfigException("bad value for llmMaxDailyCostUsd (" + sources.get("llmMaxDailyCostUsd")
          + "): expected dollars (0 or more), got '" + values.get("llmMaxDailyCostUsd") + "'");
    }
    long tokens = number(values, sources, "llmMaxTokensPerRun", 20_000, 0, Long.MAX_VALUE);
    int tools = (int) number(values, sources, "llmMaxToolCallsPerMinute", 60, 0, 1_000_000);
    int perCall = (int) number(values, sources, "llmMaxTokensPerCall", 1024, 1, 1_000_000);
    int maxAgents = (int) number(values, sources, "llmMaxAgents", 1000, 1, 10_000_000);
    long idle = number(values, sources, "llmIdleSeconds", 300, 1, 86_400 * 365);
    Object key = values.get("llmApiKey");
    if (values.get("llmApiKeyFile") != null) {
      if (key != null) {
        throw new ConfigException("llmApiKey (" + sources.get("llmApiKey") + ") and llmApiKeyFile (" + sources.get("llmApiKeyFile")
            + ") both given: keep one");
      }
      key = secretFile("llmApiKeyFile", String.valueOf(values.get("llmApiKeyFile")), sources);
    }
    int queue = (int) number(values, sources, "llmLocalQueue", 16, 1, 10_000);
    int broadcasts = (int) number(values, sources, "llmMaxBroadcastsPerSecond", 100, 1, 1_000_000);
    String model = String.valueOf(values.getOrDefault("llmModel", local != null ? "smollm2-135m-instruct" : "gpt-4o-mini")).trim();
    if (local != null && !values.containsKey("llmPrice")) {
      prompt = 0;  // a local model costs nothing per token
      completion = 0;
    }
    return new LlmConfig(url == null ? null : String.valueOf(url).trim(), key == null ? null : String.valueOf(key).trim(),
        model, prompt, completion, cap, tokens, perCall, tools, maxAgents, idle, backends(values, sources, env), local, queue, broadcasts);
  }

  /** The GGUF file of {@code --llm-local}: the value when it names a file, else the bundled model in the cache. */
  private static String localModel(Map<String, Object> values, Map<String, String> sources, Map<String, String> env) {
    Object v = values.get("llmLocal");
    if (v == null || String.valueOf(v).trim().equalsIgnoreCase("false")) {
      return null;
    }
    String s = String.valueOf(v).trim();
    java.nio.file.Path file = s.isEmpty() || s.equalsIgnoreCase("true") ? io.agentbus.llm.local.LocalModelOptions.bundledModel(env) : java.nio.file.Path.of(s);
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new ConfigException("bad value for llmLocal (" + sources.get("llmLocal") + "): no model file at " + file
          + (s.isEmpty() || s.equalsIgnoreCase("true") ? " (fetch the bundled model with scripts/fetch-model)" : ""));
    }
    return file.toAbsolutePath().toString();
  }

  private static final List<String> GCP_KEYS = List.of("llmStore", "llmEvents", "llmSnapshots", "gcpProject", "llmWorkspace");

  private static LlmBackends backends(Map<String, Object> values, Map<String, String> sources, Map<String, String> env) {
    String store = choice(values, sources, "llmStore", "memory", List.of("memory", "firestore"));
    String events = choice(values, sources, "llmEvents", "bus", List.of("bus", "pubsub"));
    String snapshots = choice(values, sources, "llmSnapshots", "memory", List.of("memory", "gcs"));
    Object p = values.get("gcpProject");
    String project = p != null && !String.valueOf(p).isBlank() ? String.valueOf(p).trim()
        : env.get("GOOGLE_CLOUD_PROJECT") != null && !env.get("GOOGLE_CLOUD_PROJECT").isBlank() ? env.get("GOOGLE_CLOUD_PROJECT").trim() : null;
    String workspace = String.valueOf(values.getOrDefault("llmWorkspace", "agentbus")).trim();
    try {
      new io.agentbus.gcp.GcpOptions().setWorkspace(workspace);  // Pub/Sub's rule for topic names, kept there
    } catch (IllegalArgumentException e) {
      throw new ConfigException("bad value for llmWorkspace (" + sources.get("llmWorkspace") + "): " + e.getMessage());
    }
    Map<String, String> gcpEnv = new java.util.HashMap<>();
    for (String var : LlmBackends.VARIABLES) {
      if (env.get(var) != null && !env.get(var).isBlank()) {
        gcpEnv.put(var, env.get(var).trim());
      }
    }
    LlmBackends b = new LlmBackends(store, events, snapshots, project, workspace, gcpEnv);
    if (b.usesGcp() && project == null) {
      String which = store.equals("firestore") ? "--llm-store firestore" : events.equals("pubsub") ? "--llm-events pubsub" : "--llm-snapshots gcs";
      throw new ConfigException(which + " needs a Google Cloud project: --gcp-project (AGENTBUS_GCP_PROJECT or GOOGLE_CLOUD_PROJECT)");
    }
    return b;
  }

  private static String choice(Map<String, Object> values, Map<String, String> sources, String key, String def, List<String> allowed) {
    String v = String.valueOf(values.getOrDefault(key, def)).trim().toLowerCase(Locale.ROOT);
    if (!allowed.contains(v)) {
      throw new ConfigException("bad value for " + key + " (" + sources.get(key) + "): expected one of " + allowed + ", got '"
          + values.get(key) + "'");
    }
    return v;
  }

  private String otelEndpoint;
  private String logFormat = "text";

  /** @return {@code text} or {@code json} */
  public String logFormat() {
    return logFormat;
  }

  /** @return the OTLP/HTTP base URL spans are exported to, or null */
  public String otelEndpoint() {
    return otelEndpoint;
  }

  /** @return the LLM agent settings (the base URL is null when the llm verticle is not configured) */
  public LlmConfig llm() {
    return llm;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause().getMessage() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  /** Options a node ignores unless it is clustered: given without {@code --cluster}, they are refused. */
  private static final List<String> CLUSTER_ONLY = List.of("join", "members", "clusterHost", "clusterPort",
      "clusterPortAutoIncrement", "publicHost", "eventBusHost", "eventBusPort", "eventBusPublicHost", "kubernetesServiceDns",
      "failureDetectionSeconds", "expectedMembers", "eventBusTlsCert", "eventBusTlsKey", "eventBusTlsCa");

  private static long number(Map<String, Object> values, Map<String, String> sources, String key, long def, long min, long max) {
    Object v = values.get(key);
    if (v == null) {
      return def;
    }
    long n;
    try {
      n = io.agentbus.cluster.NodeOptions.integral(v);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("bad value for " + key + " (" + sources.get(key) + "): " + e.getMessage());
    }
    if (n < min || n > max) {
      throw new ConfigException("bad value for " + key + " (" + sources.get(key) + "): must be " + min + ".." + max + ", got " + n);
    }
    return n;
  }

  private static Iterable<Map.Entry<String, Object>> readFile(String file) {
    try {
      return new JsonObject(Files.readString(Path.of(file)));
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new ConfigException("config file " + file + " is not a JSON object: " + e.getMessage());
    }
  }

  /** @return the usage text */
  public static String usage() {
    StringBuilder sb = new StringBuilder("Usage: java -jar agentbus-node.jar [options]\n\n"
        + "Starts an agentbus node running the multi-microgrid market. Precedence: flags > environment > config file > defaults.\n\n");
    for (Option o : OPTIONS) {
      sb.append(String.format(Locale.ROOT, "  %-30s %-38s %s%n", o.flag() + (o.takesValue() ? " VALUE" : ""), o.env(), o.help()));
    }
    sb.append(String.format(Locale.ROOT, "  %-30s %-38s %s%n", "--help", "", "print this help"));
    sb.append(String.format(Locale.ROOT, "  %-30s %-38s %s%n", "--version", "", "print the version and exit"));
    return sb.toString();
  }

  /** @return the node options */
  public NodeOptions nodeOptions() {
    return nodeOptions;
  }

  /** @return the HTTP port */
  public int httpPort() {
    return httpPort;
  }

  /** @return the jars whose agent modules register on this node ({@code --agents}) */
  public List<Path> agentJars() {
    return agentJars;
  }

  /** @return the verticles to run */
  public List<String> verticles() {
    return verticles;
  }

  /** @return the number of microgrids */
  public int microgrids() {
    return microgrids;
  }

  /** @return the step interval */
  public long stepIntervalMs() {
    return stepIntervalMs;
  }

  /** @return the market seed */
  public long seed() {
    return seed;
  }

  /** @return the gRPC bridge port */
  public int grpcPort() {
    return grpcPort;
  }

  /** @return the gRPC bridge interface */
  public String grpcHost() {
    return grpcHost;
  }

  /** @return whether --help was given */
  public boolean help() {
    return help;
  }
}
