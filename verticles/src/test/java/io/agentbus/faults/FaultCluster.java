package io.agentbus.faults;

import io.agentbus.testing.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Fat-jar nodes, one per {@link Hosts host}, running the market, secured by a cluster secret, with
 * the checks a fault test makes: what every node sees, and whether that is one healthy cluster.
 */
public final class FaultCluster implements AutoCloseable {

  /** Seconds without a heartbeat before Hazelcast declares a member dead, in these tests. */
  public static final int FAILURE_DETECTION_SECONDS = Integer.getInteger("faults.fd", 4);
  public static final int STEP_INTERVAL_MS = 200;
  public static final int MICROGRIDS = 6;

  private final Hosts hosts;
  private final List<FaultNode> nodes = new ArrayList<>();
  private final List<String> members = new ArrayList<>();

  public FaultCluster(Hosts hosts, String namespace, String join) throws IOException {
    this(hosts, hosts.size(), namespace, join);
  }

  /** Nodes on the first {@code count} hosts only (the others are left for outsiders). */
  public FaultCluster(Hosts hosts, int count, String namespace, String join) throws IOException {
    this.hosts = hosts;
    File dir = Files.createTempDirectory("faults").toFile();
    File secret = new File(dir, "secret");
    File token = new File(dir, "token");
    Files.writeString(secret.toPath(), "fault-tests-" + System.nanoTime() + "-cluster-secret-of-32-chars");
    String tokenText = "fault-tests-http-token-" + System.nanoTime();
    Files.writeString(token.toPath(), tokenText);
    List<Integer> ports = FreePorts.pick(2 * hosts.size());
    for (int i = 0; i < count; i++) {
      members.add(hosts.address(i) + ":" + clusterPort(ports, i));
    }
    for (int i = 0; i < count; i++) {
      int http = hosts.namespaces() ? 8080 : ports.get(hosts.size() + i);
      List<String> args = new ArrayList<>(List.of("--cluster", "--namespace", namespace,
          "--cluster-host", hosts.address(i), "--cluster-port", String.valueOf(clusterPort(ports, i)),
          "--cluster-port-auto-increment", "false", "--cluster-secret-file", secret.getPath(),
          "--http-host", hosts.management(i), "--http-port", String.valueOf(http), "--http-token-file", token.getPath(),
          "--node-name", "h" + (i + 1), "--expected-members", String.valueOf(count),
          "--failure-detection-seconds", String.valueOf(FAILURE_DETECTION_SECONDS),
          "--step-interval-ms", String.valueOf(STEP_INTERVAL_MS), "--microgrids", String.valueOf(MICROGRIDS),
          "--verticles", "market,probe"));
      if (join.equals("multicast")) {
        args.addAll(List.of("--join", "multicast"));
      } else {
        args.addAll(List.of("--members", String.join(",", members)));
      }
      nodes.add(new FaultNode(namespace + "-h" + (i + 1), hosts.exec(i), hosts.management(i), http, tokenText, args));
    }
  }

  private int clusterPort(List<Integer> ports, int i) {
    return hosts.namespaces() ? 5701 : ports.get(i);
  }

  public FaultCluster start() throws IOException {
    for (FaultNode n : nodes) {
      n.start();
    }
    return this;
  }

  /** @return the Hazelcast addresses of the nodes, {@code host:port} */
  public List<String> members() {
    return members;
  }

  public FaultNode node(int i) {
    return nodes.get(i);
  }

  public List<FaultNode> nodes() {
    return nodes;
  }

  /** @return the node that drives the market (its /health says so), or null */
  public FaultNode driver() {
    for (FaultNode n : nodes) {
      if (n.alive() && leading(n)) {
        return n;
      }
    }
    return null;
  }

  public static boolean leading(FaultNode n) {
    return check(health(n), "market").getJsonObject("data", new JsonObject()).getBoolean("leading", false);
  }

  /** @return the check named {@code id} of a /health answer, or an empty object */
  public static JsonObject check(JsonObject health, String id) {
    for (Object c : array(health, "checks")) {
      if (c instanceof JsonObject && id.equals(((JsonObject) c).getString("id"))) {
        return (JsonObject) c;
      }
    }
    return new JsonObject();
  }

  /** /health's JSON whatever its status (200 or 503), or null. */
  public static JsonObject health(FaultNode n) {
    return n.getAny("/health");
  }

  /**
   * What is wrong with the cluster of the nodes in {@code up}, or null when it is one healthy
   * cluster: each lists exactly the same members (one per node), every agent of the market is
   * active on exactly one node, exactly one node drives the market, and /health is 200 on all.
   */
  public String problems(List<FaultNode> up) {
    List<String> wrong = new ArrayList<>();
    Set<String> selves = new TreeSet<>();
    List<Set<String>> views = new ArrayList<>();
    List<String> agents = new ArrayList<>();
    int leaders = 0;
    for (FaultNode n : up) {
      JsonObject nodesView = n.get("/api/nodes");
      JsonObject local = n.get("/api/agents");
      if (nodesView == null || local == null) {
        wrong.add(n.name() + " does not answer");
        continue;
      }
      selves.add(nodesView.getString("self"));
      views.add(nodesView.getJsonArray("nodes").stream().map(o -> ((JsonObject) o).getString("id"))
          .collect(Collectors.toCollection(TreeSet::new)));
      // the market's agents move; each node's probe sink is pinned to it
      local.getJsonArray("agents").stream().map(String::valueOf).filter(a -> !a.startsWith("probe-")).forEach(agents::add);
      if (leading(n)) {
        leaders++;
      }
      if (n.status("/health") != 200) {
        wrong.add(n.name() + " /health " + n.status("/health") + " " + health(n));
      }
    }
    for (int i = 0; i < views.size(); i++) {
      if (!views.get(i).equals(selves)) {
        wrong.add(up.get(i).name() + " sees members " + views.get(i) + " instead of " + selves);
      }
    }
    Set<String> distinct = new HashSet<>(agents);
    if (distinct.size() != agents.size()) {
      wrong.add("duplicate agents: " + agents);
    }
    if (distinct.size() != MICROGRIDS + 1) {
      wrong.add((MICROGRIDS + 1) + " agents expected, active: " + new TreeSet<>(distinct));
    }
    if (leaders != 1) {
      wrong.add(leaders + " market drivers");
    }
    return wrong.isEmpty() ? null : String.join("; ", wrong);
  }

  /**
   * The delivery probe's counts over every live node (see {@code DeliveryProbe}): what was sent
   * and how it ended, and what arrived, twice or out of order.
   */
  public Delivery delivery() {
    Delivery d = new Delivery();
    java.util.Map<String, JsonObject> received = new java.util.HashMap<>();
    java.util.Map<String, JsonObject> sent = new java.util.HashMap<>();
    for (FaultNode n : nodes) {
      JsonObject p = n.alive() ? n.get("/api/probe") : null;
      if (p == null) {
        continue;
      }
      p.getJsonObject("received").forEach(e -> received.put(p.getString("node") + "<" + e.getKey(), (JsonObject) e.getValue()));
      p.getJsonObject("sent").forEach(e -> sent.put(e.getKey() + "<" + p.getString("node"), (JsonObject) e.getValue()));
    }
    for (JsonObject r : received.values()) {
      d.received += r.getLong("received");
      d.duplicates += r.getLong("duplicates");
      d.reordered += r.getLong("reordered");
    }
    for (java.util.Map.Entry<String, JsonObject> e : sent.entrySet()) {
      JsonObject s = e.getValue();
      d.sent += s.getLong("sent");
      d.acknowledged += s.getLong("acknowledged");
      d.failed += s.getLong("failed");
      d.timedOut += s.getLong("timedOut");
      d.oldestPendingMs = Math.max(d.oldestPendingMs, s.getLong("oldestPendingMs"));
      d.published += s.getLong("published");
      // publishes from a live sender to a live receiver that never arrived
      JsonObject r = received.get(e.getKey() + "/publish");
      if (r != null) {
        d.publishesLost += Math.max(0, s.getLong("published") - r.getLong("received") - 5); // the last few are in flight
      }
      JsonObject rs = received.get(e.getKey() + "/send");
      if (rs != null) {
        d.sendsHandledUnacknowledged += Math.max(0, rs.getLong("received") - s.getLong("acknowledged") - s.getLong("pending"));
      }
    }
    return d;
  }

  /** Delivery counts, summed over every stream between live nodes. */
  public static final class Delivery {
    public long sent;
    public long acknowledged;
    public long failed;
    public long timedOut;
    public long oldestPendingMs;
    public long published;
    public long publishesLost;
    public long sendsHandledUnacknowledged;
    public long received;
    public long duplicates;
    public long reordered;

    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "sends %d (acknowledged %d, failed with an error %d, timed out %d, handled but "
          + "unacknowledged %d, oldest pending %d ms), publishes %d (lost %d), received %d, duplicated %d, reordered %d",
          sent, acknowledged, failed, timedOut, sendsHandledUnacknowledged, oldestPendingMs, published, publishesLost,
          received, duplicates, reordered);
    }
  }

  /** @return the node's log tails, for a failure message */
  public String logs() {
    StringBuilder sb = new StringBuilder();
    for (FaultNode n : nodes) {
      sb.append("\n--- ").append(n.name()).append(" ---\n").append(n.logTail());
    }
    return sb.toString();
  }

  public static JsonArray array(JsonObject o, String key) {
    return o == null ? new JsonArray() : o.getJsonArray(key, new JsonArray());
  }

  @Override
  public void close() throws InterruptedException {
    for (FaultNode n : nodes) {
      n.close();
    }
  }
}
