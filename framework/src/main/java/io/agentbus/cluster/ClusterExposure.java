package io.agentbus.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Where a cluster interface is reachable from: the rules for running without a secret. */
public final class ClusterExposure {

  private ClusterExposure() {
  }

  /** @return whether {@code host} means every interface ({@code 0.0.0.0}, {@code ::}, {@code *}) */
  public static boolean allInterfaces(String host) {
    String h = host.trim();
    return h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]") || h.equals("*") || h.equals("0:0:0:0:0:0:0:0");
  }

  /**
   * @return whether {@code host} is a loopback, private (RFC 1918, IPv6 unique-local) or link-local
   *     address; a host name is resolved (never on an event loop: this runs at start)
   */
  public static boolean privateOrLoopback(String host) {
    try {
      InetAddress a = InetAddress.getByName(host.trim());
      byte[] b = a.getAddress();
      boolean uniqueLocal = b.length == 16 && (b[0] & 0xFE) == 0xFC;
      return a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || uniqueLocal;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** @return whether {@code host} is a loopback address */
  public static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host.trim()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
