package io.agentbus.bench;

import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A driver node in this JVM and a peer process (any main taking namespace, port, members) on 127.0.0.1. */
final class BenchCluster implements AutoCloseable {

  final Node driver;
  final Process peer;
  final String peerNodeId;

  private BenchCluster(Node driver, Process peer, String peerNodeId) {
    this.driver = driver;
    this.peer = peer;
    this.peerNodeId = peerNodeId;
  }

  /** The environment variable that hands the peer the cluster secret (event bus on mutual TLS). */
  static final String SECRET_ENV = "AGENTBUS_BENCH_CLUSTER_SECRET";

  static BenchCluster start(String namespace, Class<?> peerMain) throws Exception {
    return start(namespace, peerMain, null);
  }

  /** @param secret a cluster secret for both nodes (mutual TLS on the event bus, sealed maps), or null */
  static BenchCluster start(String namespace, Class<?> peerMain, String secret) throws Exception {
    int[] ports = freePorts(2);
    String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1];
    List<String> cmd = new ArrayList<>(List.of(new File(System.getProperty("java.home"), "bin/java").getPath(), "-Xmx2g",
        "-Dhazelcast.phone.home.enabled=false", "-Dhazelcast.logging.type=slf4j",
        "--add-modules", "java.se", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"));
    // BENCH_PEER_JAVA_OPTS: extra flags for the peer JVM (a profiler, say)
    String extra = System.getenv("BENCH_PEER_JAVA_OPTS");
    if (extra != null && !extra.isBlank()) {
      cmd.addAll(Arrays.asList(extra.trim().split("\\s+")));
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), peerMain.getName(), namespace, String.valueOf(ports[1]),
        members));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    if (secret != null) {
      pb.environment().put(SECRET_ENV, secret);
    } else {
      pb.environment().remove(SECRET_ENV);
    }
    Process peer = pb.start();
    Node node = BrokerBench.await(Node.start(new NodeOptions().setClustered(true).setNamespace(namespace)
        .setClusterHost("127.0.0.1").setClusterPort(ports[0]).setClusterPortAutoIncrement(false)
        .setMembers(Arrays.asList(members.split(",")))
        .setClusterSecret(secret == null ? null : io.agentbus.cluster.ClusterSecret.of(secret))));
    BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream()));
    String line;
    String id = null;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("READY")) {
        id = line.length() > 6 ? line.substring(6).trim() : "";
        break;
      }
    }
    while (node.knownMembers().size() < 2) {
      Thread.sleep(50);
    }
    Thread.sleep(500);
    return new BenchCluster(node, peer, id);
  }

  static NodeOptions peerOptions(String[] args) {
    return new NodeOptions().setClustered(true).setNamespace(args[0]).setClusterHost("127.0.0.1")
        .setClusterPort(Integer.parseInt(args[1])).setClusterPortAutoIncrement(false)
        .setMembers(Arrays.asList(args[2].split(",")))
        .setClusterSecret(System.getenv(SECRET_ENV) == null ? null : io.agentbus.cluster.ClusterSecret.of(System.getenv(SECRET_ENV)));
  }

  /** The secret the TLS runs of the benchmarks use. */
  static final String BENCH_SECRET = "benchmark cluster secret, not for production";

  private static int[] freePorts(int n) throws Exception {
    int[] ports = new int[n];
    List<ServerSocket> s = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      s.add(ss);
      ports[i] = ss.getLocalPort();
    }
    for (ServerSocket ss : s) {
      ss.close();
    }
    return ports;
  }

  @Override
  public void close() {
    try {
      BrokerBench.await(driver.close());
    } finally {
      peer.destroy();
    }
  }
}
