package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;
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
 * trusted (they proved the cluster secret, when there is one) and carry the labels the
 * registration requires. Decisions are cached, boundedly (agent keys may come from outside, an
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

  /** Forgets every decision: the candidates changed. */
  void invalidate() {
    owners.clear();
  }

  /** @return the node owning {@code id}, or null when no live node may host its type */
  String owner(AgentId id) {
    String cached = owners.get(id);
    if (cached != null) {
      return cached;
    }
    String owner = Placement.owner(id, candidates(id.type()));
    if (owner != null && owners.size() < CACHE_MAX) {
      owners.put(id, owner);
    }
    return owner;
  }

  private List<String> candidates(String type) {
    Map<String, JsonObject> regs = directory.registrations(type);
    List<String> candidates = new ArrayList<>(regs.size());
    Map<String, NodeInfo> infos = null;
    for (Map.Entry<String, JsonObject> r : regs.entrySet()) {
      if (!node.trusted(r.getKey())) {
        continue; // a member that cannot prove the cluster secret is never placed on
      }
      JsonObject required = r.getValue().getJsonObject("requiredLabels", new JsonObject());
      if (required.isEmpty()) {
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
      Map<String, String> req = new HashMap<>();
      required.forEach(x -> req.put(x.getKey(), String.valueOf(x.getValue())));
      if (info != null && info.hasLabels(req)) {
        candidates.add(r.getKey());
      }
    }
    return candidates;
  }
}
