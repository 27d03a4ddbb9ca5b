package io.agentbus.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free loopback ports, chosen by the OS (never assumes 5701 and friends are free). */
public final class FreePorts {

  private FreePorts() {
  }

  /** @return {@code n} distinct ports that were free on 127.0.0.1 a moment ago */
  public static List<Integer> pick(int n) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        s.setReuseAddress(true);
        sockets.add(s);
        ports.add(s.getLocalPort());
      }
      return ports;
    } catch (IOException e) {
      throw new IllegalStateException("cannot find free ports", e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }
}
