package io.agentbus.grpc;

/** Options of the {@link AgentRpcHost}. */
public class AgentRpcHostOptions {

  /** Default port (AutoGen's documented one). */
  public static final int DEFAULT_PORT = 50051;
  /** Default bound of what may wait to be written to one worker: 4 MiB. */
  public static final int DEFAULT_MAX_QUEUED_BYTES_PER_WORKER = 4 * 1024 * 1024;
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
