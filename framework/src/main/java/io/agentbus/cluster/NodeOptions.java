package io.agentbus.cluster;

import io.agentbus.channel.Channels;
import io.agentbus.channel.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link Node} starts: embedded (single JVM, the default) or clustered with Hazelcast, and
 * how a clustered node finds the others.
 *
 * <p>Every option has a JSON key and an environment variable ({@link #ENVIRONMENT}); see
 * {@link #applyEnvironment(Map)}. Setters validate and name the key in their error.
 */
public class NodeOptions {

  /** Default Hazelcast port (auto-incremented when taken, unless disabled). */
  public static final int DEFAULT_CLUSTER_PORT = 5701;
  /** Default seconds without heartbeat before a member is declared dead. */
  public static final int DEFAULT_FAILURE_DETECTION_SECONDS = 10;

  /** JSON key → environment variable. */
  public static final Map<String, String> ENVIRONMENT = Map.ofEntries(
      Map.entry("clustered", "AGENTBUS_CLUSTERED"),
      Map.entry("namespace", "AGENTBUS_NAMESPACE"),
      Map.entry("join", "AGENTBUS_JOIN"),
      Map.entry("members", "AGENTBUS_MEMBERS"),
      Map.entry("clusterHost", "AGENTBUS_CLUSTER_HOST"),
      Map.entry("clusterPort", "AGENTBUS_CLUSTER_PORT"),
      Map.entry("clusterPortAutoIncrement", "AGENTBUS_CLUSTER_PORT_AUTO_INCREMENT"),
      Map.entry("publicHost", "AGENTBUS_PUBLIC_HOST"),
      Map.entry("eventBusHost", "AGENTBUS_EVENT_BUS_HOST"),
      Map.entry("eventBusPort", "AGENTBUS_EVENT_BUS_PORT"),
      Map.entry("eventBusPublicHost", "AGENTBUS_EVENT_BUS_PUBLIC_HOST"),
      Map.entry("kubernetesServiceDns", "AGENTBUS_K8S_SERVICE_DNS"),
      Map.entry("nodeName", "AGENTBUS_NODE_NAME"),
      Map.entry("labels", "AGENTBUS_LABELS"),
      Map.entry("failureDetectionSeconds", "AGENTBUS_FAILURE_DETECTION_SECONDS"),
      Map.entry("expectedMembers", "AGENTBUS_EXPECTED_MEMBERS"),
      Map.entry("eventBusTlsCert", "AGENTBUS_EVENT_BUS_TLS_CERT"),
      Map.entry("eventBusTlsKey", "AGENTBUS_EVENT_BUS_TLS_KEY"),
      Map.entry("eventBusTlsCa", "AGENTBUS_EVENT_BUS_TLS_CA"),
      Map.entry("cores", "AGENTBUS_CORES"),
      Map.entry("gpus", "AGENTBUS_GPUS"));

  private boolean clustered;
  private String namespace = Channels.DEFAULT_NAMESPACE;
  private JoinMode join = JoinMode.TCP;
  private List<String> members = new ArrayList<>();
  private String clusterHost;
  private int clusterPort = DEFAULT_CLUSTER_PORT;
  private boolean clusterPortAutoIncrement = true;
  private String publicHost;
  private String eventBusHost;
  private int eventBusPort;
  private String eventBusPublicHost;
  private String kubernetesServiceDns;
  private String nodeName;
  private Map<String, String> labels = new LinkedHashMap<>();
  private int failureDetectionSeconds = DEFAULT_FAILURE_DETECTION_SECONDS;
  private int expectedMembers;
  private String eventBusTlsCert;
  private String eventBusTlsKey;
  private String eventBusTlsCa;
  private int cores;
  private int gpus = -1;
  /** Not part of the JSON form (it would end up in logs and files): copied by the copy constructor only. */
  private ClusterSecret clusterSecret;

  /** Defaults: embedded single node. */
  public NodeOptions() {
  }

  /** Copy constructor. */
  public NodeOptions(NodeOptions o) {
    this(o.toJson());
    this.clusterSecret = o.clusterSecret;
  }

  /**
   * From JSON; absent keys keep their defaults.
   *
   * @throws IllegalArgumentException naming the key of a bad value
   */
  public NodeOptions(JsonObject json) {
    for (String key : json.fieldNames()) {
      try {
        apply(key, json.getValue(key));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("bad value for '" + key + "': " + e.getMessage(), e);
      }
    }
  }

  /**
   * Overrides options from environment variables ({@link #ENVIRONMENT}); list values are
   * comma-separated, labels {@code k=v,k=v}.
   *
   * @param env the environment
   * @return this
   * @throws IllegalArgumentException naming the variable of a bad value
   */
  public NodeOptions applyEnvironment(Map<String, String> env) {
    ENVIRONMENT.forEach((key, var) -> {
      String value = env.get(var);
      if (value != null && !value.isBlank()) {
        try {
          apply(key, value.trim());
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("bad value for " + var + ": " + e.getMessage(), e);
        }
      }
    });
    return this;
  }

  private void apply(String key, Object v) {
    switch (key) {
      case "clustered": setClustered(bool(v)); break;
      case "namespace": setNamespace(String.valueOf(v)); break;
      case "join": setJoin(joinMode(String.valueOf(v))); break;
      case "members": setMembers(list(v)); break;
      case "clusterHost": setClusterHost(String.valueOf(v)); break;
      case "clusterPort": setClusterPort(integer(v)); break;
      case "clusterPortAutoIncrement": setClusterPortAutoIncrement(bool(v)); break;
      case "publicHost": setPublicHost(String.valueOf(v)); break;
      case "eventBusHost": setEventBusHost(String.valueOf(v)); break;
      case "eventBusPort": setEventBusPort(integer(v)); break;
      case "eventBusPublicHost": setEventBusPublicHost(String.valueOf(v)); break;
      case "kubernetesServiceDns": setKubernetesServiceDns(String.valueOf(v)); break;
      case "nodeName": setNodeName(String.valueOf(v)); break;
      case "labels": setLabels(labels(v)); break;
      case "failureDetectionSeconds": setFailureDetectionSeconds(integer(v)); break;
      case "expectedMembers": setExpectedMembers(integer(v)); break;
      case "eventBusTlsCert": eventBusTlsCert = String.valueOf(v); break;
      case "eventBusTlsKey": eventBusTlsKey = String.valueOf(v); break;
      case "eventBusTlsCa": eventBusTlsCa = String.valueOf(v); break;
      case "cores": setCores(integer(v)); break;
      case "gpus": setGpus(integer(v)); break;
      default: throw new IllegalArgumentException("unknown option");
    }
  }

  /** @return the JSON form */
  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("clustered", clustered).put("namespace", namespace)
        .put("join", join.name().toLowerCase(Locale.ROOT)).put("members", new JsonArray(new ArrayList<>(members)))
        .put("clusterPort", clusterPort).put("clusterPortAutoIncrement", clusterPortAutoIncrement)
        .put("eventBusPort", eventBusPort).put("labels", new JsonObject(new LinkedHashMap<>(labels)))
        .put("failureDetectionSeconds", failureDetectionSeconds).put("expectedMembers", expectedMembers);
    putIfSet(j, "clusterHost", clusterHost);
    putIfSet(j, "publicHost", publicHost);
    putIfSet(j, "eventBusHost", eventBusHost);
    putIfSet(j, "eventBusPublicHost", eventBusPublicHost);
    putIfSet(j, "kubernetesServiceDns", kubernetesServiceDns);
    putIfSet(j, "nodeName", nodeName);
    putIfSet(j, "eventBusTlsCert", eventBusTlsCert);
    putIfSet(j, "eventBusTlsKey", eventBusTlsKey);
    putIfSet(j, "eventBusTlsCa", eventBusTlsCa);
    if (cores > 0) {
      j.put("cores", cores);
    }
    if (gpus >= 0) {
      j.put("gpus", gpus);
    }
    return j;
  }

  /** @return the processors this node announces for placement; 0: those the JVM sees */
  public int getCores() {
    return cores;
  }

  /**
   * Declares the processors this node offers to placement ({@code NodeRequirements}, types
   * weighted by cores), instead of those the JVM sees: a share of a larger machine, say.
   *
   * @param cores 1 or more; 0 for those the JVM sees
   * @return this
   */
  public NodeOptions setCores(int cores) {
    if (cores < 0) {
      throw new IllegalArgumentException("cores must be 0 (detected) or positive, got " + cores);
    }
    this.cores = cores;
    return this;
  }

  /** @return the GPUs this node announces for placement; -1: those detected ({@code /proc/driver/nvidia/gpus}) */
  public int getGpus() {
    return gpus;
  }

  /**
   * Declares the GPUs this node offers to placement, instead of those detected (NVIDIA's driver
   * files only): for other GPUs, or to keep a GPU away from agents.
   *
   * @param gpus 0 or more; -1 for those detected
   * @return this
   */
  public NodeOptions setGpus(int gpus) {
    if (gpus < -1) {
      throw new IllegalArgumentException("gpus must be -1 (detected) or 0 or more, got " + gpus);
    }
    this.gpus = gpus;
    return this;
  }

  /** @return whether the node joins a Hazelcast cluster */
  public boolean isClustered() {
    return clustered;
  }

  /** Sets whether the node joins a Hazelcast cluster (default false: embedded). */
  public NodeOptions setClustered(boolean clustered) {
    this.clustered = clustered;
    return this;
  }

  /** @return the namespace (also the Hazelcast cluster name suffix) */
  public String getNamespace() {
    return namespace;
  }

  /** Sets the namespace; nodes of different namespaces never form one cluster. */
  public NodeOptions setNamespace(String namespace) {
    this.namespace = Ids.check("namespace", namespace);
    return this;
  }

  /** @return the join mode */
  public JoinMode getJoin() {
    return join;
  }

  /** Sets the join mode. */
  public NodeOptions setJoin(JoinMode join) {
    this.join = Objects.requireNonNull(join, "join");
    return this;
  }

  /** @return the TCP member list ({@code host[:port]}) */
  public List<String> getMembers() {
    return members;
  }

  /** Sets the TCP member list ({@code host[:port]}); used with {@link JoinMode#TCP}. */
  public NodeOptions setMembers(List<String> members) {
    for (String m : members) {
      if (m.isBlank() || m.contains(" ")) {
        throw new IllegalArgumentException("member '" + m + "' is not host[:port]");
      }
    }
    this.members = new ArrayList<>(members);
    return this;
  }

  /** @return the interface the cluster binds to, or null for Hazelcast's choice */
  public String getClusterHost() {
    return clusterHost;
  }

  /** Sets the interface Hazelcast and the event bus bind to (e.g. {@code 127.0.0.1}). */
  public NodeOptions setClusterHost(String clusterHost) {
    this.clusterHost = clusterHost;
    return this;
  }

  /** @return the Hazelcast port */
  public int getClusterPort() {
    return clusterPort;
  }

  /** Sets the Hazelcast port (1..65535). */
  public NodeOptions setClusterPort(int clusterPort) {
    this.clusterPort = port(clusterPort, false);
    return this;
  }

  /** @return whether Hazelcast tries the following ports when the port is taken */
  public boolean isClusterPortAutoIncrement() {
    return clusterPortAutoIncrement;
  }

  /** Sets whether Hazelcast tries the following ports when the port is taken (default true). */
  public NodeOptions setClusterPortAutoIncrement(boolean autoIncrement) {
    this.clusterPortAutoIncrement = autoIncrement;
    return this;
  }

  /** @return the address advertised to other members, or null */
  public String getPublicHost() {
    return publicHost;
  }

  /** Sets the address advertised to other Hazelcast members (behind NAT or in a pod). */
  public NodeOptions setPublicHost(String publicHost) {
    this.publicHost = publicHost;
    return this;
  }

  /** @return the interface the event bus binds to, or null for the cluster host */
  public String getEventBusHost() {
    return eventBusHost;
  }

  /** Sets the interface the event bus binds to (default: the cluster host). */
  public NodeOptions setEventBusHost(String eventBusHost) {
    this.eventBusHost = eventBusHost;
    return this;
  }

  /** @return the event-bus port (0 = random) */
  public int getEventBusPort() {
    return eventBusPort;
  }

  /** Sets the event-bus port (0 = random; fix it on Kubernetes). */
  public NodeOptions setEventBusPort(int eventBusPort) {
    this.eventBusPort = port(eventBusPort, true);
    return this;
  }

  /** @return the event-bus host advertised to others, or null */
  public String getEventBusPublicHost() {
    return eventBusPublicHost;
  }

  /** Sets the event-bus host advertised to other nodes. */
  public NodeOptions setEventBusPublicHost(String eventBusPublicHost) {
    this.eventBusPublicHost = eventBusPublicHost;
    return this;
  }

  /** @return the headless service DNS name for {@link JoinMode#KUBERNETES} */
  public String getKubernetesServiceDns() {
    return kubernetesServiceDns;
  }

  /** Sets the headless service DNS name for {@link JoinMode#KUBERNETES}. */
  public NodeOptions setKubernetesServiceDns(String dns) {
    this.kubernetesServiceDns = dns;
    return this;
  }

  /** @return the node's display name, or null for the host name */
  public String getNodeName() {
    return nodeName;
  }

  /** Sets the node's display name. */
  public NodeOptions setNodeName(String nodeName) {
    this.nodeName = nodeName;
    return this;
  }

  /** @return the node's labels */
  public Map<String, String> getLabels() {
    return labels;
  }

  /** Sets the node's labels (placement constraints match them). */
  public NodeOptions setLabels(Map<String, String> labels) {
    this.labels = new LinkedHashMap<>(labels);
    return this;
  }

  /** @return seconds without heartbeat before a member is declared dead */
  public int getFailureDetectionSeconds() {
    return failureDetectionSeconds;
  }

  /** Sets seconds without heartbeat before a member is declared dead (2..600). */
  public NodeOptions setFailureDetectionSeconds(int seconds) {
    if (seconds < 2 || seconds > 600) {
      throw new IllegalArgumentException("failureDetectionSeconds must be 2..600, got " + seconds);
    }
    this.failureDetectionSeconds = seconds;
    return this;
  }

  /**
   * @return how many members the cluster is meant to have; 0 (the default) when not set. With it,
   *     cluster-wide leadership ({@link Leadership}) is held only by a node that sees a majority
   *     ({@code expectedMembers / 2 + 1}) of them, so a minority cut off by a partition stops leading
   */
  public int getExpectedMembers() {
    return expectedMembers;
  }

  /**
   * Sets the expected cluster size (0: not set, leadership needs no quorum; 1..1000).
   *
   * @param members the number of members the cluster is meant to have
   * @return this
   */
  public NodeOptions setExpectedMembers(int members) {
    if (members < 0 || members > 1000) {
      throw new IllegalArgumentException("expectedMembers must be 0..1000, got " + members);
    }
    this.expectedMembers = members;
    return this;
  }

  /** @return the cluster secret, or null */
  public ClusterSecret getClusterSecret() {
    return clusterSecret;
  }

  /**
   * Sets the secret all members share (see {@link ClusterSecret}): mutual TLS on the event bus,
   * signed node infos, sealed cluster maps. Without one a clustered node binds to loopback, or to
   * an explicitly named private interface with a warning, never to all interfaces.
   */
  public NodeOptions setClusterSecret(ClusterSecret secret) {
    this.clusterSecret = secret;
    return this;
  }

  /**
   * Uses these PEM files for the event bus's mutual TLS instead of the certificate derived from
   * the secret: this node's certificate and key, and the CA that issued every member's certificate.
   * Needs a cluster secret too (node infos and maps are still protected by it).
   */
  public NodeOptions setEventBusTls(String certPath, String keyPath, String caPath) {
    this.eventBusTlsCert = certPath;
    this.eventBusTlsKey = keyPath;
    this.eventBusTlsCa = caPath;
    return this;
  }

  /** @return the event-bus TLS certificate path, or null (derived from the secret) */
  public String getEventBusTlsCert() {
    return eventBusTlsCert;
  }

  /** @return the event-bus TLS key path, or null */
  public String getEventBusTlsKey() {
    return eventBusTlsKey;
  }

  /** @return the event-bus TLS CA path, or null */
  public String getEventBusTlsCa() {
    return eventBusTlsCa;
  }

  /** Checks combinations of options. */
  public void validate() {
    boolean anyTls = eventBusTlsCert != null || eventBusTlsKey != null || eventBusTlsCa != null;
    if (anyTls && (eventBusTlsCert == null || eventBusTlsKey == null || eventBusTlsCa == null)) {
      throw new IllegalArgumentException("event-bus TLS from files needs all of eventBusTlsCert, eventBusTlsKey and eventBusTlsCa");
    }
    if (anyTls && clusterSecret == null) {
      throw new IllegalArgumentException("event-bus TLS from files needs a cluster secret too (it signs node infos and seals maps)");
    }
    if (clustered && clusterSecret == null && clusterHost != null && ClusterExposure.allInterfaces(clusterHost)) {
      throw new IllegalArgumentException("clusterHost " + clusterHost + " without a cluster secret would let anyone who reaches "
          + "the Hazelcast port join the cluster, read its maps and talk to its agents (open-source Hazelcast has no member "
          + "authentication): set a cluster secret (--cluster-secret-file or AGENTBUS_CLUSTER_SECRET), or bind a private interface");
    }
    if (clustered && clusterSecret == null && clusterHost != null && !ClusterExposure.privateOrLoopback(clusterHost)) {
      throw new IllegalArgumentException("clusterHost " + clusterHost + " is not a loopback or private address: without a cluster "
          + "secret the cluster may only listen on those (set --cluster-secret-file or AGENTBUS_CLUSTER_SECRET)");
    }
    if (clustered && join == JoinMode.KUBERNETES && (kubernetesServiceDns == null || kubernetesServiceDns.isBlank())) {
      throw new IllegalArgumentException("join 'kubernetes' needs 'kubernetesServiceDns' (AGENTBUS_K8S_SERVICE_DNS)");
    }
  }

  private static JoinMode joinMode(String v) {
    try {
      return JoinMode.valueOf(v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected tcp, multicast or kubernetes, got '" + v + "'");
    }
  }

  private static int port(int p, boolean zeroAllowed) {
    if (p < (zeroAllowed ? 0 : 1) || p > 65535) {
      throw new IllegalArgumentException("port must be " + (zeroAllowed ? "0" : "1") + "..65535, got " + p);
    }
    return p;
  }

  private static boolean bool(Object v) {
    if (v instanceof Boolean) {
      return (Boolean) v;
    }
    String s = String.valueOf(v).toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("false")) {
      return Boolean.parseBoolean(s);
    }
    throw new IllegalArgumentException("expected true or false, got '" + v + "'");
  }

  private static int integer(Object v) {
    long n = integral(v);
    if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("expected an integer, got " + v + " (out of range)");
    }
    return (int) n;
  }

  /**
   * Reads an integer option strictly, from a JSON number or a string: {@code 22601.9}, an
   * out-of-range number, null or text are refused, never truncated or wrapped.
   *
   * @param v the value as read from a flag, a variable or a config file
   * @return the integer
   * @throws IllegalArgumentException saying what was expected
   */
  public static long integral(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    try {
      String text = v instanceof Number ? v.toString() : String.valueOf(v).trim();
      return new java.math.BigDecimal(text).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("expected an integer, got '" + v + "'");
    }
  }

  private static List<String> list(Object v) {
    List<String> out = new ArrayList<>();
    if (v instanceof JsonArray) {
      ((JsonArray) v).forEach(x -> out.add(String.valueOf(x)));
    } else if (v instanceof List) {
      ((List<?>) v).forEach(x -> out.add(String.valueOf(x)));
    } else {
      for (String s : String.valueOf(v).split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    }
    return out;
  }

  private static Map<String, String> labels(Object v) {
    Map<String, String> out = new LinkedHashMap<>();
    if (v instanceof JsonObject) {
      ((JsonObject) v).forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
    } else if (v instanceof Map) {
      ((Map<?, ?>) v).forEach((k, x) -> out.put(String.valueOf(k), String.valueOf(x)));
    } else {
      for (String kv : String.valueOf(v).split(",")) {
        if (kv.isBlank()) {
          continue;
        }
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("label '" + kv + "' is not key=value");
        }
        out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
    return out;
  }

  private static void putIfSet(JsonObject j, String key, String value) {
    if (value != null) {
      j.put(key, value);
    }
  }
}
