package io.agentbus.faults;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Several hosts on one machine for fault tests: Linux network namespaces, each with two links: one
 * to the cluster network (a bridge, 10.77.s.0/24), which {@link #partition} takes down, and one to
 * a management network (another bridge, 10.78.s.0/24) on which the test reads every node's HTTP
 * API, also during a partition. Namespaces do not forward, so nothing leaks from one network to
 * the other.
 *
 * <p>Where namespaces cannot be made (not root, no {@code ip}), {@link #create} falls back to
 * loopback: every host is 127.0.0.1 (nodes then need distinct ports) and {@link #partition} is not
 * available; the fallback is printed so a reader of the output knows which ran.
 */
public final class Hosts implements AutoCloseable {

  private final String tag;
  private final List<String> addresses;
  private final List<String> management;
  private final boolean namespaces;

  private Hosts(String tag, List<String> addresses, List<String> management, boolean namespaces) {
    this.tag = tag;
    this.addresses = addresses;
    this.management = management;
    this.namespaces = namespaces;
  }

  /** Makes {@code n} hosts: namespaces {@code ab<tag>h1..n} on the 10.77.x.0/24 network, or loopback. */
  public static Hosts create(int n) {
    String tag = Integer.toString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff), 16);
    int subnet = ThreadLocalRandom.current().nextInt(1, 250);
    List<String> addresses = new ArrayList<>();
    List<String> management = new ArrayList<>();
    try {
      if (Boolean.getBoolean("faults.loopback")) {
        throw new IOException("-Dfaults.loopback=true");
      }
      bridge("ab" + tag + "c", "10.77." + subnet + ".1/24");
      bridge("ab" + tag + "m", "10.78." + subnet + ".1/24");
      for (int i = 1; i <= n; i++) {
        String ns = "ab" + tag + "h" + i;
        String address = "10.77." + subnet + "." + (10 + i);
        String mgmt = "10.78." + subnet + "." + (10 + i);
        run("ip", "netns", "add", ns);
        link(ns, "ab" + tag + "c" + i, "eth0", "ab" + tag + "c", address);
        link(ns, "ab" + tag + "m" + i, "eth1", "ab" + tag + "m", mgmt);
        run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        run("ip", "netns", "exec", ns, "ip", "route", "add", "224.0.0.0/4", "dev", "eth0");
        addresses.add(address);
        management.add(mgmt);
      }
      System.out.println("[faults] " + n + " hosts as network namespaces ab" + tag + "h1.." + n
          + ": cluster network 10.77." + subnet + ".0/24, management network 10.78." + subnet + ".0/24");
      return new Hosts(tag, addresses, management, true);
    } catch (IOException e) {
      new Hosts(tag, addresses, management, true).close();
      System.out.println("[faults] FALLBACK: network namespaces unavailable (" + e.getMessage()
          + "); " + n + " hosts are processes on loopback, partitions are not tested");
      List<String> loopback = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        loopback.add("127.0.0.1");
      }
      return new Hosts(tag, loopback, loopback, false);
    }
  }

  private static void bridge(String name, String cidr) throws IOException {
    run("ip", "link", "add", name, "type", "bridge");
    // Hazelcast's multicast join must pass the bridge without IGMP snooping in the way
    run("ip", "link", "set", name, "type", "bridge", "mcast_snooping", "0");
    run("ip", "addr", "add", cidr, "dev", name);
    run("ip", "link", "set", name, "up");
  }

  private static void link(String ns, String outside, String inside, String bridge, String address) throws IOException {
    run("ip", "link", "add", outside, "type", "veth", "peer", "name", inside, "netns", ns);
    run("ip", "link", "set", outside, "master", bridge);
    run("ip", "link", "set", outside, "up");
    run("ip", "netns", "exec", ns, "ip", "addr", "add", address + "/24", "dev", inside);
    run("ip", "netns", "exec", ns, "ip", "link", "set", inside, "up");
  }

  /** @return whether the hosts are network namespaces (false: the loopback fallback) */
  public boolean namespaces() {
    return namespaces;
  }

  /** @return the address of host {@code i} (0-based) */
  public String address(int i) {
    return addresses.get(i);
  }

  /** @return the management address of host {@code i} (0-based), where the test reads its HTTP API */
  public String management(int i) {
    return management.get(i);
  }

  /** @return the number of hosts */
  public int size() {
    return addresses.size();
  }

  /** @return the command prefix that runs a program on host {@code i} */
  public List<String> exec(int i) {
    return namespaces ? List.of("ip", "netns", "exec", "ab" + tag + "h" + (i + 1)) : List.of();
  }

  /** Cuts host {@code i} off from every other host (its link goes down). */
  public void partition(int i) throws IOException {
    require();
    run("ip", "link", "set", "ab" + tag + "c" + (i + 1), "down");
  }

  /** Heals a {@link #partition}. */
  public void heal(int i) throws IOException {
    require();
    run("ip", "link", "set", "ab" + tag + "c" + (i + 1), "up");
  }

  private void require() {
    if (!namespaces) {
      throw new IllegalStateException("partitions need network namespaces");
    }
  }

  @Override
  public void close() {
    if (!namespaces) {
      return;
    }
    for (int i = 1; i <= 16; i++) {
      quietly("ip", "netns", "del", "ab" + tag + "h" + i);
      quietly("ip", "link", "del", "ab" + tag + "c" + i);
      quietly("ip", "link", "del", "ab" + tag + "m" + i);
    }
    quietly("ip", "link", "del", "ab" + tag + "c");
    quietly("ip", "link", "del", "ab" + tag + "m");
  }

  private static void quietly(String... cmd) {
    try {
      run(cmd);
    } catch (IOException ignored) {
      // already gone
    }
  }

  public static void run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (p.exitValue() != 0) {
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
      throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
    }
  }
}
