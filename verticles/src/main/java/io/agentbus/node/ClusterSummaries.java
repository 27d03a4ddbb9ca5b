package io.agentbus.node;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.SharedMaps;
import io.agentbus.grpc.AgentRpcHost;
import io.agentbus.llm.agent.LlmAgents;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cluster seen from any node: every node puts a summary of itself (health, load, uptime, its
 * agents, its bridge workers, the market step if it drives the market, its LLM runs) into one
 * cluster map every second, with a time to live, and any node assembles them on demand
 * ({@code GET /api/cluster}, the dashboard's {@code cluster} section while a page is open). Cost:
 * one write per node per second; a read of N entries only when someone looks — never a message
 * from every node to every node per tick. The map is sealed like the others when the cluster has a
 * secret.
 */
final class ClusterSummaries {

  /** The cluster map of summaries, one entry per node. */
  static final String MAP = "agentbus.cluster.summaries";
  /** At most this many agents per node go into its summary (the count is always exact). */
  static final int MAX_AGENTS_PER_NODE = 500;
  private static final long PERIOD_MILLIS = 1000;
  private static final long TTL_MILLIS = 5000;
  private static final long READ_TIMEOUT_MILLIS = 3000;

  private final Node node;
  private final AgentRuntime runtime;
  private final MarketVerticle market;
  private final AgentRpcHost bridge;
  private final LlmAgents llm;
  private final Vertx vertx;
  private final Timer built;
  private final Timer written;
  private Future<AsyncMap<String, JsonObject>> map;
  private long timer = -1;

  ClusterSummaries(Node node, AgentRuntime runtime, MarketVerticle market, AgentRpcHost bridge, LlmAgents llm, MeterRegistry registry) {
    this.node = node;
    this.runtime = runtime;
    this.market = market;
    this.bridge = bridge;
    this.llm = llm;
    this.vertx = node.vertx();
    this.built = Timer.builder(BUILT_METER).description("time to put this node's cluster summary together (on its event loop, once a second)")
        .register(registry);
    this.written = Timer.builder(WRITTEN_METER).description("time until the cluster map holds this node's new summary")
        .register(registry);
  }

  /** Timer: building one summary. */
  static final String BUILT_METER = "agentbus.cluster.summary.build";
  /** Timer: writing one summary to the cluster map, until it is there. */
  static final String WRITTEN_METER = "agentbus.cluster.summary.write";

  private synchronized Future<AsyncMap<String, JsonObject>> map() {
    if (map == null || map.failed()) {
      map = SharedMaps.get(vertx, MAP);
    }
    return map;
  }

  /** Starts publishing this node's summary every second. */
  void start() {
    publish();
    timer = vertx.setPeriodic(PERIOD_MILLIS, t -> publish());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    map().compose(m -> m.remove(node.id())).otherwiseEmpty();
  }

  /** The process's CPU load, sampled on a worker thread (the JDK reads it in about a millisecond). */
  private volatile double processCpu = -1;

  private void sampleProcessCpu() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      vertx.executeBlocking(os::getProcessCpuLoad, false).onSuccess(v -> processCpu = Math.max(0, v));
    }
  }

  private void publish() {
    sampleProcessCpu();  // for the next summary: a second old at most
    long t0 = System.nanoTime();
    JsonObject summary = self();
    long t1 = System.nanoTime();
    built.record(t1 - t0, TimeUnit.NANOSECONDS);
    map().compose(m -> m.put(node.id(), summary, TTL_MILLIS)).timeout(READ_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .onSuccess(v -> written.record(System.nanoTime() - t1, TimeUnit.NANOSECONDS))
        .onFailure(err -> org.slf4j.LoggerFactory.getLogger(ClusterSummaries.class)
            .debug("cluster summary not published: {}", err.getMessage()));
  }

  /** @return this node's summary */
  JsonObject self() {
    Runtime rt = Runtime.getRuntime();
    JsonObject load = new JsonObject().put("heapUsedBytes", rt.totalMemory() - rt.freeMemory()).put("heapMaxBytes", rt.maxMemory())
        .put("threads", Thread.activeCount());
    if (processCpu >= 0) {
      load.put("processCpu", processCpu);
    }
    load.put("systemLoadAverage", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    List<AgentId> local = new ArrayList<>(runtime.localAgents());
    local.sort(Comparator.comparing(AgentId::toString));
    java.util.Map<AgentId, io.agentbus.agent.AgentStats> stats = new java.util.HashMap<>();
    runtime.localAgentStats().forEach(a -> stats.put(a.id(), a));
    JsonArray agents = new JsonArray();
    for (AgentId id : local.subList(0, Math.min(local.size(), MAX_AGENTS_PER_NODE))) {
      JsonObject a = new JsonObject().put("type", id.type()).put("key", id.key());
      io.agentbus.agent.AgentStats st = stats.get(id);
      if (st != null) {
        a.put("messagesIn", st.messagesIn()).put("messagesOut", st.messagesOut()).put("lastActivityMillis", st.lastActivityMillis());
      }
      agents.add(a);
    }
    JsonObject s = new JsonObject().put("id", node.id()).put("name", node.info().name()).put("host", node.info().host())
        .put("startedAtMillis", node.info().startedAtMillis()).put("at", System.currentTimeMillis())
        .put("uptimeMs", System.currentTimeMillis() - node.info().startedAtMillis())
        .put("health", new JsonObject().put("inClusterView", node.inClusterView()).put("quorum", node.hasQuorum())
            .put("intruders", node.intruders().size()))
        .put("load", load).put("agentCount", local.size()).put("agents", agents)
        .put("leadingMarket", market != null && market.leading());
    if (market != null && market.leading() && market.latest() != null) {
      s.put("market", market.latest());
    }
    if (bridge != null) {
      JsonArray workers = new JsonArray();
      bridge.workerStates().forEach(w -> workers.add(w.toJson()));
      s.put("bridge", new JsonObject().put("port", bridge.port()).put("workers", workers));
    }
    if (llm != null) {
      s.put("llm", llm.stats().toJson());
    }
    return s;
  }

  /**
   * @return the cluster: {@code nodes} (each node's summary without its agent list), {@code leader}
   *     (the node driving the market), {@code agents} (type, key, node), {@code workers} (the bridge
   *     workers with their node), {@code market} (the latest step), {@code llm} (runs by node)
   */
  Future<JsonObject> cluster() {
    return map().compose(AsyncMap::values).timeout(READ_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).map(ClusterSummaries::assemble)
        .map(c -> c.put("self", node.id()));
  }

  static JsonObject assemble(List<JsonObject> summaries) {
    List<JsonObject> sorted = new ArrayList<>(summaries);
    sorted.sort(Comparator.comparing(s -> s.getString("name", "") + "/" + s.getString("id", "")));
    JsonArray nodes = new JsonArray();
    JsonArray agents = new JsonArray();
    JsonArray workers = new JsonArray();
    JsonObject llm = new JsonObject();
    String leader = null;
    JsonObject market = null;
    for (JsonObject s : sorted) {
      String id = s.getString("id");
      JsonObject n = s.copy();
      n.remove("agents");
      n.remove("market");
      JsonObject bridge = n.getJsonObject("bridge");
      if (bridge != null) {
        n.put("bridge", new JsonObject().put("port", bridge.getValue("port"))
            .put("workers", bridge.getJsonArray("workers", new JsonArray()).size()));
        for (Object w : bridge.getJsonArray("workers", new JsonArray())) {
          workers.add(((JsonObject) w).copy().put("node", id));
        }
      }
      n.remove("llm");
      nodes.add(n);
      for (Object a : s.getJsonArray("agents", new JsonArray())) {
        agents.add(((JsonObject) a).copy().put("node", id));
      }
      if (s.getBoolean("leadingMarket", false)) {
        leader = id;
        market = s.getJsonObject("market");
      }
      if (s.getJsonObject("llm") != null) {
        llm.put(id, s.getJsonObject("llm"));
      }
    }
    return new JsonObject().put("at", System.currentTimeMillis()).put("leader", leader).put("nodes", nodes).put("agents", agents)
        .put("workers", workers).put("market", market).put("llm", llm);
  }
}
