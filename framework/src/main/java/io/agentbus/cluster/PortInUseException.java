package io.agentbus.cluster;

/**
 * A node could not start because a port it must listen on is taken (by another node on the same
 * machine, say). Checked before Hazelcast starts when the cluster port may not move on
 * ({@link NodeOptions#setClusterPortAutoIncrement(boolean) auto-increment off}), so the failure is
 * one clear line instead of Hazelcast's stack trace.
 */
public final class PortInUseException extends IllegalStateException {

  private final String host;
  private final int port;

  /**
   * @param what what would have listened ("Hazelcast")
   * @param host the interface
   * @param port the port
   */
  public PortInUseException(String what, String host, int port) {
    super(what + " cannot listen on " + host + ":" + port + ": the port is in use");
    this.host = host;
    this.port = port;
  }

  /** @return the interface */
  public String host() {
    return host;
  }

  /** @return the port */
  public int port() {
    return port;
  }
}
