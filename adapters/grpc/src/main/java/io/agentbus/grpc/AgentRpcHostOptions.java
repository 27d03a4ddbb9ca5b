package io.agentbus.grpc;

/** Options of the {@link AgentRpcHost}. */
public class AgentRpcHostOptions {

  /** Default port (AutoGen's documented one). */
  public static final int DEFAULT_PORT = 50051;
  /** Default bound of what may wait to be written to one worker: 16 MiB (four messages of AutoGen's largest). */
  public static final int DEFAULT_MAX_QUEUED_BYTES_PER_WORKER = 16 * 1024 * 1024;
  /** Default of {@link #setMaxMessageBytes}: AutoGen's own limit, 4 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
  /** Default timeout of an RPC forwarded to a worker. */
  public static final long DEFAULT_RPC_TIMEOUT_MILLIS = 30_000;

  /** Default interface: loopback only, since the protocol has no authentication yet. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private long rpcTimeoutMillis = DEFAULT_RPC_TIMEOUT_MILLIS;
  private boolean multipleWorkersPerType;
  private int maxQueuedBytesPerWorker = DEFAULT_MAX_QUEUED_BYTES_PER_WORKER;
  private io.micrometer.core.instrument.MeterRegistry meterRegistry;
  private String token;
  private java.util.List<String> allowedNetworks = java.util.List.of();
  private String tlsCertPath;
  private String tlsKeyPath;
  private String tlsClientCaPath;
  private int maxTypesPerWorker = DEFAULT_MAX_TYPES_PER_WORKER;
  private int maxSubscriptionsPerWorker = DEFAULT_MAX_SUBSCRIPTIONS_PER_WORKER;
  private int maxInflightRpcsPerWorker = DEFAULT_MAX_INFLIGHT_RPCS_PER_WORKER;
  private int maxWorkers = DEFAULT_MAX_WORKERS;
  private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
  private long reconnectGraceMillis;

  /** @return how long a worker whose connection was lost keeps its types and subscriptions */
  public long getReconnectGraceMillis() {
    return reconnectGraceMillis;
  }

  /**
   * Keeps a worker's types and subscriptions for this long after its connection is lost (not after
   * it ends its stream: that is leaving). A worker that reconnects with the same {@code client-id}
   * within it resumes; RPCs to its agents wait for it meanwhile and fail with a clear error when it
   * does not come back; events to it meanwhile are dropped and counted. 0 (the default) withdraws
   * at once, as AutoGen's host does. Unmodified Python workers never reconnect under the same id;
   * Java workers ({@link WorkerClientOptions#setClientId}) can.
   */
  public AgentRpcHostOptions setReconnectGraceMillis(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("reconnectGraceMillis must be 0 or more, got " + millis);
    }
    this.reconnectGraceMillis = millis;
    return this;
  }

  /** @return the largest message the bridge carries, in bytes */
  public int getMaxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * Sets the largest message the bridge carries (default 4 MiB, as AutoGen's host). A bigger one
   * is refused alone: an RPC gets an error response naming the limit, an event is dropped and
   * counted ({@code agentbus_bridge_dropped_total{reason="too_large"}}); the worker's channel stays
   * open. A message more than twice the limit (and 1 MiB over it) ends the worker's stream, as
   * gRPC's own limit does.
   */
  public AgentRpcHostOptions setMaxMessageBytes(int bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException("maxMessageBytes must be at least 1024, got " + bytes);
    }
    this.maxMessageBytes = bytes;
    return this;
  }

  /** Default of {@link #setMaxTypesPerWorker}. */
  public static final int DEFAULT_MAX_TYPES_PER_WORKER = 256;
  /** Default of {@link #setMaxSubscriptionsPerWorker}. */
  public static final int DEFAULT_MAX_SUBSCRIPTIONS_PER_WORKER = 4096;
  /** Default of {@link #setMaxInflightRpcsPerWorker}. */
  public static final int DEFAULT_MAX_INFLIGHT_RPCS_PER_WORKER = 4096;
  /** Default of {@link #setMaxWorkers}. */
  public static final int DEFAULT_MAX_WORKERS = 10_000;

  /** @return the bearer token calls must carry, or null */
  public String getToken() {
    return token;
  }

  /**
   * Requires {@code authorization: Bearer <token>} metadata on every call (stream and unary),
   * except from {@link #setAllowedNetworks allowed networks}. A call without it ends at once with
   * {@code UNAUTHENTICATED} and a message saying what is missing.
   *
   * @param token the token (at least 16 characters), or null for none
   */
  public AgentRpcHostOptions setToken(String token) {
    if (token != null) {
      io.agentbus.cluster.BearerToken.of(token);  // validates
    }
    this.token = token;
    return this;
  }

  /** @return the networks whose peers are admitted without a token */
  public java.util.List<String> getAllowedNetworks() {
    return allowedNetworks;
  }

  /**
   * Admits calls from these networks (CIDRs such as {@code 10.1.0.0/16}, or single addresses)
   * without a token: the only way to admit unmodified AutoGen workers, which can send no
   * credential. With a list and no token, calls from anywhere else are refused.
   */
  public AgentRpcHostOptions setAllowedNetworks(java.util.List<String> cidrs) {
    cidrs.forEach(Cidr::parse);
    this.allowedNetworks = java.util.List.copyOf(cidrs);
    return this;
  }

  /** @return the PEM certificate (chain) path of the bridge's TLS, or null for plaintext */
  public String getTlsCertPath() {
    return tlsCertPath;
  }

  /** @return the PEM private key path of the bridge's TLS */
  public String getTlsKeyPath() {
    return tlsKeyPath;
  }

  /**
   * Serves gRPC over TLS (HTTP/2 negotiated by ALPN) with this certificate and key, both PEM.
   * Unmodified AutoGen Python workers cannot use it (they open insecure channels).
   */
  public AgentRpcHostOptions setTls(String certPath, String keyPath) {
    if ((certPath == null) != (keyPath == null)) {
      throw new IllegalArgumentException("TLS needs both a certificate and a key");
    }
    this.tlsCertPath = certPath;
    this.tlsKeyPath = keyPath;
    return this;
  }

  /** @return the PEM CA path client certificates must chain to, or null */
  public String getTlsClientCaPath() {
    return tlsClientCaPath;
  }

  /** Requires a client certificate issued by this CA (mutual TLS, for Java workers); needs {@link #setTls}. */
  public AgentRpcHostOptions setTlsClientCaPath(String caPath) {
    this.tlsClientCaPath = caPath;
    return this;
  }

  /** @return agent types one worker may register at most */
  public int getMaxTypesPerWorker() {
    return maxTypesPerWorker;
  }

  /** Sets how many agent types one worker may register (at least 1). */
  public AgentRpcHostOptions setMaxTypesPerWorker(int max) {
    this.maxTypesPerWorker = positive("maxTypesPerWorker", max);
    return this;
  }

  /** @return subscriptions one worker may add at most */
  public int getMaxSubscriptionsPerWorker() {
    return maxSubscriptionsPerWorker;
  }

  /** Sets how many subscriptions one worker may add (at least 1). */
  public AgentRpcHostOptions setMaxSubscriptionsPerWorker(int max) {
    this.maxSubscriptionsPerWorker = positive("maxSubscriptionsPerWorker", max);
    return this;
  }

  /** @return RPCs in flight per worker at most, in each direction */
  public int getMaxInflightRpcsPerWorker() {
    return maxInflightRpcsPerWorker;
  }

  /**
   * Sets how many RPCs may be in flight per worker, in each direction (sent by it, and sent to its
   * agents); beyond it a call fails at once with a clear error instead of queueing.
   */
  public AgentRpcHostOptions setMaxInflightRpcsPerWorker(int max) {
    this.maxInflightRpcsPerWorker = positive("maxInflightRpcsPerWorker", max);
    return this;
  }

  /** @return connected workers at most */
  public int getMaxWorkers() {
    return maxWorkers;
  }

  /** Sets how many workers may be connected at once; a channel beyond it ends with RESOURCE_EXHAUSTED. */
  public AgentRpcHostOptions setMaxWorkers(int max) {
    this.maxWorkers = positive("maxWorkers", max);
    return this;
  }

  private static int positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + v);
    }
    return v;
  }

  /** @return the interface to listen on */
  public String getHost() {
    return host;
  }

  /** Sets the interface to listen on ({@code 0.0.0.0} for every interface: only on a trusted network). */
  public AgentRpcHostOptions setHost(String host) {
    this.host = host;
    return this;
  }

  /** @return the port (0: any free one) */
  public int getPort() {
    return port;
  }

  /** Sets the port (0: any free one). */
  public AgentRpcHostOptions setPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    this.port = port;
    return this;
  }

  /** @return the bound of what may wait to be written to one worker, in bytes */
  public int getMaxQueuedBytesPerWorker() {
    return maxQueuedBytesPerWorker;
  }

  /**
   * Bounds what may wait to be written to one worker (bytes). A worker that does not keep up gets
   * no more events (they are dropped and counted) and RPCs to it fail at once, instead of the
   * host's memory growing without bound.
   */
  public AgentRpcHostOptions setMaxQueuedBytesPerWorker(int bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException("maxQueuedBytesPerWorker must be at least 1024, got " + bytes);
    }
    this.maxQueuedBytesPerWorker = bytes;
    return this;
  }

  /** @return the meter registry (a private one unless set) */
  public io.micrometer.core.instrument.MeterRegistry getMeterRegistry() {
    if (meterRegistry == null) {
      meterRegistry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    }
    return meterRegistry;
  }

  /** Sets the meter registry ({@code agentbus.bridge.dropped{reason}}). */
  public AgentRpcHostOptions setMeterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
    this.meterRegistry = registry;
    return this;
  }

  /** @return whether several workers may register one agent type */
  public boolean isMultipleWorkersPerType() {
    return multipleWorkersPerType;
  }

  /**
   * Lets several workers register the same agent type (default false, as AutoGen's host): each
   * agent key is then placed on one of them by rendezvous hashing, so a key sticks to its worker
   * while the set of workers does not change. Equal subscriptions of those workers are shared.
   */
  public AgentRpcHostOptions setMultipleWorkersPerType(boolean multiple) {
    this.multipleWorkersPerType = multiple;
    return this;
  }

  /** @return the timeout of an RPC forwarded to a worker */
  public long getRpcTimeoutMillis() {
    return rpcTimeoutMillis;
  }

  /** Sets the timeout of an RPC forwarded to a worker (at least 1 ms). */
  public AgentRpcHostOptions setRpcTimeoutMillis(long millis) {
    if (millis < 1) {
      throw new IllegalArgumentException("rpcTimeoutMillis must be at least 1, got " + millis);
    }
    this.rpcTimeoutMillis = millis;
    return this;
  }
}
