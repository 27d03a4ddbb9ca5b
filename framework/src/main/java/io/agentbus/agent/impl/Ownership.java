package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.NodeRequirements;
import io.agentbus.agent.Placement;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeInfo;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which node owns an agent: {@link Placement} over the nodes that registered its type, are
 * trusted (they proved the cluster secret, when there is one), carry the labels the registration
 * requires and announce the capabilities it needs ({@link NodeRequirements}), weighted by their
 * cores when the registration asks for it. Decisions are cached, boundedly (agent keys may come from outside, an
 * HTTP API), and the cache is dropped whenever the registry or the membership changes.
 *
 * <p>Threads: any; reads the directory (concurrent) and the node's member list.
 */
final class Ownership {

  /** Placement decisions cached at most; past the bound owners are recomputed. */
  static final int CACHE_MAX = 50_000;

  private final Node node;
  private final Directory directory;
  private final Map<AgentId, String> owners = new ConcurrentHashMap<>();

  Ownership(Node node, Directory directory) {
    this.node = node;
    this.directory = directory;
  }

  /** Moves on every {@link #invalidate()}: what was derived from earlier decisions is stale. */
  private final java.util.concurrent.atomic.AtomicLong epoch = new java.util.concurrent.atomic.AtomicLong();

  /** Forgets every decision: the candidates changed. */
  void invalidate() {
    epoch.incrementAndGet();
    owners.clear();
  }

  /** @return a number that changes whenever the decisions are forgotten (see {@link PublishRoutes}) */
  long epoch() {
    return epoch.get();
  }

  /** @return the node owning {@code id}, or null when no live node may host its type */
  String owner(AgentId id) {
    String cached = owners.get(id);
    if (cached != null) {
      return cached;
    }
    Candidates c = candidates(id.type());
    String owner = c.weights == null ? Placement.owner(id, c.nodes)
        : Placement.owner(id, c.nodes, n -> true, n -> c.weights.getOrDefault(n, 0));
    if (owner != null && owners.size() < CACHE_MAX) {
      owners.put(id, owner);
    }
    return owner;
  }

  /** The nodes that may host a type, with their weights when the type is weighted by cores (else null). */
  private record Candidates(List<String> nodes, Map<String, Integer> weights) {
  }

  private Candidates candidates(String type) {
    Map<String, JsonObject> regs = directory.registrations(type);
    List<String> candidates = new ArrayList<>(regs.size());
    Map<String, Integer> weights = null;
    Map<String, NodeInfo> infos = null;
    for (Map.Entry<String, JsonObject> r : regs.entrySet()) {
      if (!node.trusted(r.getKey())) {
        continue; // a member that cannot prove the cluster secret is never placed on
      }
      JsonObject required = r.getValue().getJsonObject("requiredLabels", new JsonObject());
      NodeRequirements needs = NodeRequirements.fromJson(r.getValue().getJsonObject("requirements"));
      boolean weighted = r.getValue().getBoolean("weightedByCores", false);
      if (required.isEmpty() && needs.isNone() && !weighted) {
        candidates.add(r.getKey());
        continue;
      }
      if (infos == null) {
        infos = new HashMap<>();
        for (NodeInfo i : node.knownMembers()) {
          infos.put(i.id(), i);
        }
      }
      NodeInfo info = infos.get(r.getKey());
      if (info == null) {
        continue;  // what it offers is not known yet: it is considered once its node info arrives
      }
      Map<String, String> req = new HashMap<>();
      required.forEach(x -> req.put(x.getKey(), String.valueOf(x.getValue())));
      if (info.hasLabels(req) && needs.satisfiedBy(info)) {
        candidates.add(r.getKey());
        if (weighted) {
          if (weights == null) {
            weights = new HashMap<>();
          }
          weights.put(r.getKey(), Math.max(1, info.cores()));
        }
      }
    }
    if (weights != null) {
      for (String c : candidates) {
        weights.putIfAbsent(c, 1);  // a node that registered the type unweighted counts as one core
      }
    }
    return new Candidates(candidates, weights);
  }
}
