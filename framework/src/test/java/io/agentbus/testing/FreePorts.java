package io.agentbus.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports for test servers (never assumes 5701 and friends are free).
 *
 * <p>Ports come from <em>below the kernel's ephemeral range</em>: a port the OS hands out for
 * {@code bind(0)} or for an outgoing connection may be taken again by any process (a node's own
 * outgoing Hazelcast connections among them) between the pick and the server's bind, which made a
 * node silently bind a neighbour port and form a cluster of its own. Each candidate is checked by
 * binding it on the wildcard address, and a port is never handed out twice by one JVM.
 */
public final class FreePorts {

  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
  private static final int LOWEST = 10_000;

  private FreePorts() {
  }

  /** @return {@code n} distinct ports that were free on every local address a moment ago */
  public static List<Integer> pick(int n) {
    int[] range = candidateRange();
    int size = range[1] - range[0];
    int start = ThreadLocalRandom.current().nextInt(size);
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < size && ports.size() < n; i++) {
      int port = range[0] + (start + i * 7) % size;
      if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
        ports.add(port);
      }
    }
    if (ports.size() < n) {
      throw new IllegalStateException("cannot find " + n + " free ports in " + range[0] + "-" + range[1]);
    }
    return ports;
  }

  /** Ports below the ephemeral range if it leaves room there, else above it. */
  private static int[] candidateRange() {
    int low = 32_768;
    int high = 60_999;
    // procfs files report size 0: read them as a stream, not with Files.readString
    try (java.io.BufferedReader in = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      String[] parts = in.readLine().trim().split("\\s+");
      int l = Integer.parseInt(parts[0]);
      int h = Integer.parseInt(parts[1]);
      low = l;
      high = h;
    } catch (IOException | RuntimeException ignored) {
      // not Linux: keep the kernel default
    }
    if (low - LOWEST >= 2_000) {
      return new int[] {LOWEST, low};
    }
    return new int[] {high + 1, 65_535};
  }

  /** Binding the wildcard address fails if any local address (loopback included) holds the port. */
  private static boolean bindable(int port) {
    try (ServerSocket any = new ServerSocket()) {
      any.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
