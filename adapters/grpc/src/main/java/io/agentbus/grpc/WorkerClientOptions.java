package io.agentbus.grpc;

/**
 * How a {@link WorkerClient} reaches a bridge: address, identity and credentials.
 *
 * <pre>{@code
 * new WorkerClientOptions().setHost("bridge.internal").setPort(50051).setClientId("pricing-worker")
 *     .setToken(System.getenv("AGENTBUS_GRPC_TOKEN"))           // the bridge's --grpc-token-file
 *     .setTls("/etc/agentbus/ca.pem", "/etc/agentbus/worker.pem", "/etc/agentbus/worker-key.pem");
 * }</pre>
 */
public class WorkerClientOptions {

  private String host = "127.0.0.1";
  private int port = AgentRpcHostOptions.DEFAULT_PORT;
  private String clientId;
  private String token;
  private String trustCaPath;
  private String certPath;
  private String keyPath;
  private long rpcTimeoutMillis = AgentRpcHostOptions.DEFAULT_RPC_TIMEOUT_MILLIS;
  private int maxMessageBytes = AgentRpcHostOptions.DEFAULT_MAX_MESSAGE_BYTES;

  /** @return the bridge's host */
  public String getHost() {
    return host;
  }

  /** Sets the bridge's host (default 127.0.0.1). */
  public WorkerClientOptions setHost(String host) {
    this.host = host;
    return this;
  }

  /** @return the bridge's port */
  public int getPort() {
    return port;
  }

  /** Sets the bridge's port (default 50051). */
  public WorkerClientOptions setPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, got " + port);
    }
    this.port = port;
    return this;
  }

  /** @return the worker's client id (a random one unless set) */
  public String getClientId() {
    return clientId;
  }

  /** Sets the worker's {@code client-id}: the bridge identifies the worker (and its types) by it. */
  public WorkerClientOptions setClientId(String clientId) {
    if (clientId != null && clientId.isBlank()) {
      throw new IllegalArgumentException("clientId must not be blank");
    }
    this.clientId = clientId;
    return this;
  }

  /** @return the bearer token sent on every call, or null */
  public String getToken() {
    return token;
  }

  /** Sends {@code authorization: Bearer <token>} on every call (the bridge's {@code --grpc-token-file}). */
  public WorkerClientOptions setToken(String token) {
    this.token = token;
    return this;
  }

  /** @return the CA the bridge's certificate must chain to, or null for plaintext */
  public String getTrustCaPath() {
    return trustCaPath;
  }

  /** @return this worker's certificate (mutual TLS), or null */
  public String getCertPath() {
    return certPath;
  }

  /** @return this worker's private key (mutual TLS), or null */
  public String getKeyPath() {
    return keyPath;
  }

  /**
   * Talks TLS to the bridge, trusting certificates issued by {@code caPath} (PEM), and presents
   * {@code certPath}/{@code keyPath} (PEM) when the bridge asks for a client certificate; pass null
   * for both when it does not.
   */
  public WorkerClientOptions setTls(String caPath, String certPath, String keyPath) {
    if ((certPath == null) != (keyPath == null)) {
      throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
    }
    this.trustCaPath = caPath;
    this.certPath = certPath;
    this.keyPath = keyPath;
    return this;
  }

  /** @return how long an RPC sent by this worker waits for its reply */
  public long getRpcTimeoutMillis() {
    return rpcTimeoutMillis;
  }

  /** Sets how long an RPC sent by this worker waits for its reply (at least 1 ms). */
  public WorkerClientOptions setRpcTimeoutMillis(long millis) {
    if (millis < 1) {
      throw new IllegalArgumentException("rpcTimeoutMillis must be at least 1, got " + millis);
    }
    this.rpcTimeoutMillis = millis;
    return this;
  }

  /** @return the largest message this worker accepts from the bridge, in bytes */
  public int getMaxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * Sets the largest message this worker accepts (default AutoGen's and the bridge's 4 MiB; a gRPC
   * client's own default of 256 KiB would close the channel on the first bigger reply).
   */
  public WorkerClientOptions setMaxMessageBytes(int bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException("maxMessageBytes must be at least 1024, got " + bytes);
    }
    this.maxMessageBytes = bytes;
    return this;
  }
}
