package io.agentbus.node;

/**
 * The node's HTTP server settings.
 *
 * @param host the interface to bind ({@code 127.0.0.1} unless told otherwise)
 * @param token the bearer token required on {@code /api/*} and the dashboard, or null for none
 *     (then the node says so at start when it binds beyond loopback)
 * @param maxConnections open connections at most
 * @param dashboardIntervalMs how often the dashboard's pages get what changed
 */
public record HttpConfig(String host, String token, int maxConnections, long dashboardIntervalMs) {

  @Override
  public String toString() {
    return "HttpConfig[host=" + host + ", token=" + (token == null ? "none" : "***") + ", maxConnections=" + maxConnections
        + ", dashboardIntervalMs=" + dashboardIntervalMs + "]";
  }
}
