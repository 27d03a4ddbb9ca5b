package io.agentbus.grpc;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IP network in CIDR notation, as the bridge's allow-list takes it ({@code 10.0.0.0/8}, {@code fd00::/8}, or one address). */
public final class Cidr {

  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /**
   * @param text {@code address/prefix} or an address (a literal, never a host name to resolve)
   * @throws IllegalArgumentException when it is neither
   */
  public static Cidr parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    if (addr.isEmpty() || !(addr.contains(":") || addr.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
      throw new IllegalArgumentException("'" + text + "' is not an IP network (expected e.g. 10.1.0.0/16 or fd00::/8)");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(addr).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP network: " + e.getMessage());
    }
    int prefix;
    try {
      prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has a bad prefix length");
    }
    if (prefix < 0 || prefix > bytes.length * 8) {
      throw new IllegalArgumentException("'" + text + "': prefix length must be 0.." + bytes.length * 8);
    }
    return new Cidr(bytes, prefix, t);
  }

  /** @return whether {@code address} (a literal IP) lies in this network */
  public boolean contains(String address) {
    byte[] a;
    try {
      String literal = address.startsWith("[") ? address.substring(1, address.length() - 1) : address;
      a = InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException | RuntimeException e) {
      return false;
    }
    if (a.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (a[full] & mask) == (network[full] & mask);
  }

  @Override
  public String toString() {
    return text;
  }
}
