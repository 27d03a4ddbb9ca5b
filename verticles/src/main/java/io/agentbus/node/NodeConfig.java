package io.agentbus.node;

import io.agentbus.cluster.ClusterSecret;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.grpc.AgentRpcHostOptions;
import io.agentbus.node.NodeCommand.Declared;
import io.vertx.core.json.JsonArray;
import picocli.CommandLine;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The node's configuration, from (lowest to highest precedence) defaults, a JSON file
 * ({@code --config} / {@code AGENTBUS_CONFIG}), environment variables and command-line flags. The
 * options are declared once, in {@link NodeCommand}; picocli parses the command line and
 * {@link SettingSources} supplies the rest. A bad value fails with a {@link ConfigException}
 * naming the key and where the value came from.
 */
public final class NodeConfig {

  /** The environment variable that may hold the bridge token itself. */
  static final String GRPC_TOKEN_ENV = "AGENTBUS_GRPC_TOKEN";

  /** The environment variable that may hold the cluster secret itself. */
  static final String CLUSTER_SECRET_ENV = "AGENTBUS_CLUSTER_SECRET";

  /** The environment variable that may hold the HTTP token itself (never a flag: flags show in ps). */
  static final String HTTP_TOKEN_ENV = "AGENTBUS_HTTP_TOKEN";

  private final NodeCommand cmd;
  private final boolean help;
  private final boolean version;
  private NodeOptions nodeOptions;
  private HttpConfig http;
  private LlmConfig llm;
  private AgentRpcHostOptions bridge;
  private List<Path> agentJars = List.of();
  private String otelEndpoint;

  private NodeConfig(NodeCommand cmd, boolean help, boolean version) {
    this.cmd = cmd;
    this.help = help;
    this.version = version;
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
   * Reads the configuration: picocli parses the command line into a {@link NodeCommand}, asking
   * {@link SettingSources} for whatever the command line leaves out; then every value is held to
   * its declaration's bounds, choices and scope, and the parts are assembled.
   *
   * @param args command-line arguments
   * @param env the environment
   * @return the configuration
   * @throws ConfigException on any bad key or value
   */
  public static NodeConfig load(String[] args, Map<String, String> env) {
    SettingSources sources = SettingSources.read(args, env);
    NodeCommand cmd = new NodeCommand();
    CommandLine cl = new CommandLine(cmd)
        .setExpandAtFiles(false)  // an argument starting with @ is a value, never a file to read arguments from
        .setDefaultValueProvider(sources);
    StrictValues.register(cl);
    CommandLine.ParseResult parsed;
    try {
      parsed = cl.parseArgs(args);
    } catch (CommandLine.UnmatchedArgumentException e) {
      String what = e.getUnmatched().isEmpty() ? "argument" : e.getUnmatched().get(0);
      throw new ConfigException((what.startsWith("-") ? "unknown option " : "unexpected argument ") + what
          + (e.getSuggestions().isEmpty() ? "" : " (did you mean " + String.join(" or ", e.getSuggestions().subList(0,
          Math.min(2, e.getSuggestions().size()))) + "?)") + " (see --help)");
    } catch (CommandLine.ParameterException e) {
      throw StrictValues.explain(e, sources);
    }
    for (CommandLine.Model.OptionSpec o : parsed.matchedOptions()) {
      if (o.userObject() instanceof Field f && !o.usageHelp() && !o.versionHelp()) {
        sources.fromCommandLine(f.getName(), o.longestName());
      }
    }
    NodeConfig c = new NodeConfig(cmd, parsed.isUsageHelpRequested(), parsed.isVersionHelpRequested());
    if (c.help || c.version) {
      return c;  // nothing else is read: the node prints and exits
    }
    StrictValues.check(cmd, sources);
    c.assemble(sources, env);
    return c;
  }

  private void assemble(SettingSources sources, Map<String, String> env) {
    nodeOptions = nodeOptions(sources, env);
    for (Declared d : NodeCommand.declared()) {
      if (d.scope() == Setting.Scope.CLUSTER && !nodeOptions.isClustered() && sources.given(d.key())) {
        throw new ConfigException(d.key() + " (" + sources.of(d.key()) + ") applies to a clustered node only: add --cluster "
            + "(AGENTBUS_CLUSTERED=true), or leave it out for an embedded node");
      }
      if (d.scope() == Setting.Scope.LLM && !cmd.verticles.contains("llm") && sources.given(d.key())) {
        throw new ConfigException(d.key() + " (" + sources.of(d.key()) + ") applies to the llm verticle only: add llm to --verticles, "
            + "or leave it out");
      }
    }
    http = http(sources, env);
    llm = LlmSettings.from(cmd, sources, env);
    bridge = bridge(sources, env);
    agentJars = agentJars(sources);
    otelEndpoint = otelEndpoint(sources, env);
  }

  private NodeOptions nodeOptions(SettingSources sources, Map<String, String> env) {
    String secretText = present(env.get(CLUSTER_SECRET_ENV));
    if (cmd.clusterSecretFile != null) {
      secretText = secretFile("clusterSecretFile", cmd.clusterSecretFile, sources);
    }
    ClusterSecret secret;
    try {
      secret = secretText == null ? null : ClusterSecret.of(secretText);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("bad cluster secret (" + (cmd.clusterSecretFile != null ? sources.of("clusterSecretFile")
          : CLUSTER_SECRET_ENV) + "): " + e.getMessage());
    }
    NodeOptions o = new NodeOptions();
    for (String key : NodeOptions.ENVIRONMENT.keySet()) {
      Object v = value(key);
      if (v == null || !sources.given(key)) {
        continue;  // NodeOptions keeps its own default
      }
      try {
        o = new NodeOptions(o.toJson().put(key, v instanceof List<?> l ? new JsonArray(new ArrayList<>(l)) : v));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("bad value for " + key + " (" + sources.of(key) + "): " + rootMessage(e));
      }
    }
    o.setClusterSecret(secret);
    try {
      o.validate();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    return o;
  }

  /** @return the parsed value of the option with that key */
  private Object value(String key) {
    try {
      return NodeCommand.byKey(key).field().get(cmd);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<Path> agentJars(SettingSources sources) {
    List<Path> jars = new ArrayList<>();
    for (String name : cmd.agents == null ? List.<String>of() : cmd.agents) {
      Path jar = Path.of(name);
      if (!Files.isRegularFile(jar)) {
        throw new ConfigException("bad value for agents (" + sources.of("agents") + "): " + name + " is not a file");
      }
      jars.add(jar);
    }
    return List.copyOf(jars);
  }

  private AgentRpcHostOptions bridge(SettingSources sources, Map<String, String> env) {
    AgentRpcHostOptions o = new AgentRpcHostOptions().setHost(cmd.grpcHost).setPort(cmd.grpcPort)
        .setMaxMessageBytes(cmd.grpcMaxMessageBytes).setReconnectGraceMillis(cmd.grpcReconnectGraceMs);
    String key = "grpcTokenFile";
    try {
      String token = cmd.grpcTokenFile != null ? secretFile(key, cmd.grpcTokenFile, sources) : present(env.get(GRPC_TOKEN_ENV));
      if (token != null) {
        o.setToken(token);
      }
      key = "grpcAllow";
      if (cmd.grpcAllow != null) {
        o.setAllowedNetworks(cmd.grpcAllow);
      }
      key = "grpcTlsCert";
      if (cmd.grpcTlsCert != null || cmd.grpcTlsKey != null) {
        o.setTls(cmd.grpcTlsCert, cmd.grpcTlsKey);
      }
      key = "grpcTlsClientCa";
      if (cmd.grpcTlsClientCa != null) {
        if (cmd.grpcTlsCert == null) {
          throw new IllegalArgumentException("mutual TLS needs the bridge's own --grpc-tls-cert and --grpc-tls-key");
        }
        o.setTlsClientCaPath(cmd.grpcTlsClientCa);
      }
    } catch (IllegalArgumentException e) {
      String where = key.equals("grpcTokenFile") && cmd.grpcTokenFile == null ? GRPC_TOKEN_ENV : sources.of(key);
      throw new ConfigException("bad value for " + key + " (" + where + "): " + e.getMessage());
    }
    return o;
  }

  private HttpConfig http(SettingSources sources, Map<String, String> env) {
    String token = present(env.get(HTTP_TOKEN_ENV));
    if (cmd.httpTokenFile != null) {
      token = secretFile("httpTokenFile", cmd.httpTokenFile, sources);
    }
    if (token != null && token.length() < io.agentbus.cluster.BearerToken.MIN_LENGTH) {
      throw new ConfigException("the HTTP token (" + (cmd.httpTokenFile != null ? sources.of("httpTokenFile") : HTTP_TOKEN_ENV)
          + ") is shorter than " + io.agentbus.cluster.BearerToken.MIN_LENGTH + " characters: use a random one, e.g. openssl rand -hex 32");
    }
    return new HttpConfig(cmd.httpHost, token, cmd.httpMaxConnections, cmd.dashboardIntervalMs);
  }

  private String otelEndpoint(SettingSources sources, Map<String, String> env) {
    String endpoint = cmd.otelEndpoint != null ? cmd.otelEndpoint : present(env.get("OTEL_EXPORTER_OTLP_ENDPOINT"));
    if (endpoint == null) {
      return null;
    }
    try {
      URI u = new URI(endpoint);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw new URISyntaxException(endpoint, "expected http(s)://host:port");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException("bad value for otelEndpoint (" + (cmd.otelEndpoint != null ? sources.of("otelEndpoint")
          : "OTEL_EXPORTER_OTLP_ENDPOINT") + "): " + e.getMessage());
    }
    return endpoint;
  }

  /** @return the trimmed value, or null when absent or blank */
  static String present(String v) {
    return v == null || v.isBlank() ? null : v.trim();
  }

  /** Reads a secret from a file (trimmed), failing with the key and its source. */
  static String secretFile(String key, String path, SettingSources sources) {
    try {
      String v = Files.readString(Path.of(path)).trim();
      if (v.isEmpty()) {
        throw new ConfigException("bad value for " + key + " (" + sources.of(key) + "): " + path + " is empty");
      }
      return v;
    } catch (IOException e) {
      throw new ConfigException("bad value for " + key + " (" + sources.of(key) + "): cannot read " + path + ": " + e.getMessage());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause().getMessage() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  /** @return the usage text: every option with its flag, environment variable, help and default */
  public static String usage() {
    StringBuilder sb = new StringBuilder("Usage: java -jar agentbus-node.jar [options]\n\n"
        + "Starts an agentbus node running the multi-microgrid market. Precedence: flags > environment > config file (--config, "
        + "keys as below) > defaults.\n\n");
    for (Declared d : NodeCommand.declared()) {
      String flag = d.flag() + (d.takesValue() ? " " + (d.option().paramLabel().isEmpty() ? "VALUE" : d.option().paramLabel()) : "");
      sb.append(String.format(Locale.ROOT, "  %-36s %-38s %s [%s]%n", flag, d.env(), d.help(), d.key()));
    }
    sb.append(String.format(Locale.ROOT, "  %-36s %-38s %s%n", "-h, --help", "", "print this help"));
    sb.append(String.format(Locale.ROOT, "  %-36s %-38s %s%n", "--version", "", "print the version and exit"));
    return sb.toString();
  }

  /** @return the node options */
  public NodeOptions nodeOptions() {
    return nodeOptions;
  }

  /** @return the HTTP port */
  public int httpPort() {
    return cmd.httpPort;
  }

  /** @return the HTTP server settings */
  public HttpConfig http() {
    return http;
  }

  /** @return the bridge's options (host, port, access, TLS) */
  public AgentRpcHostOptions bridge() {
    return bridge;
  }

  /** @return the LLM agent settings (the base URL is null when the llm verticle is not configured) */
  public LlmConfig llm() {
    return llm;
  }

  /** @return {@code text} or {@code json} */
  public String logFormat() {
    return cmd.logFormat;
  }

  /** @return the OTLP/HTTP base URL spans are exported to, or null */
  public String otelEndpoint() {
    return otelEndpoint;
  }

  /** @return the jars whose agent modules register on this node ({@code --agents}) */
  public List<Path> agentJars() {
    return agentJars;
  }

  /** @return the verticles to run */
  public List<String> verticles() {
    return cmd.verticles;
  }

  /** @return the number of microgrids */
  public int microgrids() {
    return cmd.microgrids;
  }

  /** @return the step interval */
  public long stepIntervalMs() {
    return cmd.stepIntervalMs;
  }

  /** @return the market seed */
  public long seed() {
    return cmd.seed;
  }

  /** @return the gRPC bridge port */
  public int grpcPort() {
    return cmd.grpcPort;
  }

  /** @return the gRPC bridge interface */
  public String grpcHost() {
    return cmd.grpcHost;
  }

  /** @return whether --help was given (then nothing else is configured) */
  public boolean help() {
    return help;
  }

  /** @return whether --version was given (then nothing else is configured) */
  public boolean version() {
    return version;
  }
}
