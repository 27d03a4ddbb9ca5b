package io.agentbus.testing;

import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Several real Hazelcast nodes in this JVM, joined by TCP-IP on 127.0.0.1 with free ports. */
public final class LocalCluster implements AutoCloseable {

  private final List<Node> nodes = new ArrayList<>();
  private List<String> members = List.of();

  private LocalCluster() {
  }

  /**
   * Starts {@code n} nodes one after another; returns once every node sees all the others.
   *
   * @param n number of nodes
   * @param namespace cluster namespace (a unique one per test class keeps clusters apart)
   */
  public static LocalCluster start(int n, String namespace) {
    return start(n, namespace, null);
  }

  /**
   * Starts {@code n} nodes sharing a cluster secret (event bus on mutual TLS, sealed maps).
   *
   * @param secret the secret, or null for none
   */
  public static LocalCluster start(int n, String namespace, io.agentbus.cluster.ClusterSecret secret) {
    List<Integer> ports = FreePorts.pick(n);
    List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.toList());
    LocalCluster c = new LocalCluster();
    c.members = members;
    for (int i = 0; i < n; i++) {
      c.nodes.add(Await.await(Node.start(options(namespace, ports.get(i), members).setNodeName("node-" + i)
          .setClusterSecret(secret))));
    }
    Await.until("a " + n + "-node cluster", java.time.Duration.ofSeconds(30),
        () -> c.nodes.stream().allMatch(node -> node.knownMembers().size() == n));
    return c;
  }

  /** Options of one test node. */
  public static NodeOptions options(String namespace, int port, List<String> members) {
    return new NodeOptions().setClustered(true).setNamespace(namespace).setClusterHost("127.0.0.1")
        .setClusterPort(port).setClusterPortAutoIncrement(false).setMembers(members).setFailureDetectionSeconds(4);
  }

  /** @return the members' Hazelcast addresses, {@code 127.0.0.1:port} */
  public List<String> members() {
    return members;
  }

  /** @return node {@code i} */
  public Node node(int i) {
    return nodes.get(i);
  }

  /** @return all nodes */
  public List<Node> nodes() {
    return nodes;
  }

  /** Closes every node at once (sequential leaves make the survivors re-form the cluster each time). */
  @Override
  public void close() {
    List<Future<Void>> closing = nodes.stream().map(Node::close).collect(Collectors.toList());
    try {
      Await.await(Future.join(closing));
    } catch (RuntimeException | AssertionError ignored) {
      // a node that was already stopped
    }
  }

  /** Closes one node (a graceful leave). */
  public Future<Void> stop(int i) {
    return nodes.get(i).close();
  }
}
