package io.agentbus.agent.impl;

import io.agentbus.agent.Subscription;
import io.agentbus.agent.TypePrefixSubscription;
import io.agentbus.agent.TypeSubscription;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's view of the cluster-wide registry: which nodes registered which agent types (with
 * their placement constraints), and the subscriptions. Changed only by {@link #apply} operations,
 * which every runtime receives in the same form.
 */
final class Directory {

  static final String REGISTER = "register";
  static final String UNREGISTER = "unregister";
  static final String ADD_SUB = "addSub";
  static final String REMOVE_SUB = "removeSub";
  static final String NODE_LEFT = "nodeLeft";
  /** A node's runtime has closed: its agents are stopped and their state saved; nothing to ask it. */
  static final String RUNTIME_CLOSED = "runtimeClosed";

  private final java.util.Set<String> closedRuntimes = ConcurrentHashMap.newKeySet();

  private final Map<String, Map<String, JsonObject>> types = new ConcurrentHashMap<>();
  private final Map<String, Subscription> subs = new ConcurrentHashMap<>();
  private volatile List<Subscription> subsSnapshot = List.of();

  /** Applies one operation; returns whether anything changed. */
  synchronized boolean apply(JsonObject op) {
    String type = op.getString("type");
    String node = op.getString("node");
    switch (op.getString("op")) {
      case RUNTIME_CLOSED:
        closedRuntimes.add(node);
        return false;
      case REGISTER:
        closedRuntimes.remove(node);
        types.computeIfAbsent(type, t -> new ConcurrentHashMap<>()).put(node, op.getJsonObject("registration", new JsonObject()));
        return true;
      case UNREGISTER:
        Map<String, JsonObject> nodes = types.get(type);
        return nodes != null && nodes.remove(node) != null;
      case ADD_SUB:
        Subscription s = subFromJson(op.getJsonObject("subscription"));
        subs.put(s.id(), s);
        subsSnapshot = List.copyOf(subs.values());
        return true;
      case REMOVE_SUB:
        boolean removed = subs.remove(op.getString("id")) != null;
        subsSnapshot = List.copyOf(subs.values());
        return removed;
      case NODE_LEFT:
        closedRuntimes.remove(node);
        boolean changed = false;
        for (Map<String, JsonObject> n : types.values()) {
          changed |= n.remove(node) != null;
        }
        return changed;
      default:
        throw new IllegalArgumentException("unknown directory operation " + op.getString("op"));
    }
  }

  /** @return whether {@code node}'s runtime announced that it closed (its agents are stopped, their state saved) */
  boolean runtimeClosed(String node) {
    return closedRuntimes.contains(node);
  }

  boolean knowsType(String type) {
    Map<String, JsonObject> nodes = types.get(type);
    return nodes != null && !nodes.isEmpty();
  }

  /** @return the nodes that registered {@code type}, with their registration */
  Map<String, JsonObject> registrations(String type) {
    Map<String, JsonObject> nodes = types.get(type);
    return nodes == null ? Map.of() : nodes;
  }

  Set<String> types() {
    return types.keySet();
  }

  List<Subscription> subscriptions() {
    return subsSnapshot;
  }

  /** @return an existing subscription equal to {@code s} (AutoGen's equality), or null */
  Subscription conflicting(Subscription s) {
    for (Subscription existing : subsSnapshot) {
      if (existing.sameAs(s)) {
        return existing;
      }
    }
    return null;
  }

  static JsonObject subToJson(Subscription s) {
    JsonObject j = new JsonObject().put("id", s.id()).put("agentType", s.agentType());
    if (s instanceof TypeSubscription) {
      return j.put("kind", "type").put("topicType", ((TypeSubscription) s).topicType());
    }
    return j.put("kind", "prefix").put("topicTypePrefix", ((TypePrefixSubscription) s).topicTypePrefix());
  }

  static Subscription subFromJson(JsonObject j) {
    if ("type".equals(j.getString("kind"))) {
      return new TypeSubscription(j.getString("topicType"), j.getString("agentType"), j.getString("id"));
    }
    return new TypePrefixSubscription(j.getString("topicTypePrefix"), j.getString("agentType"), j.getString("id"));
  }
}
