package io.agentbus.faults;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The attacker's program, run on another host ({@code ip netns exec}) with nothing but the node's
 * fat jar on its class path: a plain Hazelcast member or client that knows the cluster's name and a
 * member's address (all open-source Hazelcast asks), reads every agentbus map and forges entries.
 * Prints one JSON object on stdout: per map, how many values it read and how many of them were not
 * sealed; the forgeries it made. Then stays connected for a while, and leaves.
 *
 * <p>{@code java -cp agentbus-node.jar:test-classes io.agentbus.faults.Outsider member|client <cluster name>
 * <member,...> <namespace> <seconds to stay> [<bind address> <port>]}
 */
public final class Outsider {

  private static final Pattern SEALED = Pattern.compile("[A-Za-z0-9+/]+={0,2}");
  private static final java.util.Set<String> FORGED = java.util.Set.of("forged-node", "copied-node");

  private Outsider() {
  }

  public static void main(String[] args) {
    HazelcastInstance client = args[0].equals("member") ? member(args) : client(args);
    args = java.util.Arrays.copyOfRange(args, 1, args.length);
    JsonObject report = new JsonObject().put("members", client.getCluster().getMembers().size());
    JsonArray maps = new JsonArray();
    // a member that just joined learns the cluster's objects in a moment
    java.util.Collection<DistributedObject> objects = client.getDistributedObjects();
    for (int i = 0; i < 100 && objects.stream().noneMatch(o -> o.getName().startsWith("agentbus.")); i++) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      objects = client.getDistributedObjects();
    }
    for (DistributedObject o : objects) {
      if (!(o instanceof IMap) || !o.getName().startsWith("agentbus.")) {
        continue;
      }
      JsonObject m = new JsonObject().put("name", o.getName());
      int read = 0;
      int clear = 0;
      try {
        for (Map.Entry<Object, Object> e : ((IMap<Object, Object>) o).entrySet()) {
          if (FORGED.contains(String.valueOf(e.getKey()))) {
            continue; // its own (or an earlier outsider's) forgeries
          }
          read++;
          if (!(e.getValue() instanceof String) || !SEALED.matcher((String) e.getValue()).matches()) {
            clear++;
            m.put("clearSample", String.valueOf(e.getKey()) + "=" + String.valueOf(e.getValue()));
          }
        }
      } catch (RuntimeException e) {
        m.put("unreadable", e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      maps.add(m.put("read", read).put("clear", clear));
    }
    report.put("maps", maps);

    // forgeries in the node-info map: a made-up node, and a real node's sealed value under another key
    IMap<Object, Object> nodes = client.getMap("agentbus." + args[2] + ".nodes");
    nodes.put("forged-node", new JsonObject().put("id", "forged-node").put("name", "evil").encode());
    Object real = nodes.entrySet().stream().filter(e -> !FORGED.contains(String.valueOf(e.getKey())))
        .map(Map.Entry::getValue).filter(v -> v instanceof String && SEALED.matcher((String) v).matches())
        .findFirst().orElse(null);
    if (real != null) {
      nodes.put("copied-node", real);
    }
    report.put("forged", new JsonArray().add("forged-node").add(real != null ? "copied-node" : "none"));
    System.out.println(report.encode());
    System.out.flush();
    // stays connected a while, so that the members can be seen reporting it
    try {
      Thread.sleep(1_000L * Integer.parseInt(args[3]));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.shutdown();
  }

  private static HazelcastInstance client(String[] args) {
    ClientConfig cc = new ClientConfig().setClusterName(args[1]);
    cc.setProperty("hazelcast.phone.home.enabled", "false");
    cc.setProperty("hazelcast.logging.type", "none");
    cc.getNetworkConfig().addAddress(args[2].split(","));
    cc.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(30_000);
    return HazelcastClient.newHazelcastClient(cc);
  }

  /** A member: it joins, and Hazelcast migrates partitions of our maps to it. */
  private static HazelcastInstance member(String[] args) {
    Config c = new Config().setClusterName(args[1]);
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.logging.type", "none");
    c.setProperty("hazelcast.local.localAddress", args[5]);
    c.setProperty("hazelcast.heartbeat.interval.seconds", "1"); // the cluster declares members dead after 4 s without one
    c.getNetworkConfig().setPort(Integer.parseInt(args[6])).setPortAutoIncrement(false);
    c.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(args[5]);
    JoinConfig join = c.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(java.util.List.of(args[2].split(",")));
    return Hazelcast.newHazelcastInstance(c);
  }
}
