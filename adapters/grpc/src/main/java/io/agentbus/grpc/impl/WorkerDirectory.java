package io.agentbus.grpc.impl;

import io.agentbus.agent.AgentCapacityException;
import io.agentbus.agent.AgentFactory;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.Placement;
import io.agentbus.agent.RegistrationOptions;
import io.agentbus.agent.Subscription;
import io.agentbus.grpc.AgentRpcHostOptions;
import io.agentbus.grpc.WorkerState;
import io.agentbus.grpc.proto.AddSubscriptionRequest;
import io.agentbus.grpc.proto.AddSubscriptionResponse;
import io.agentbus.grpc.proto.GetSubscriptionsRequest;
import io.agentbus.grpc.proto.GetSubscriptionsResponse;
import io.agentbus.grpc.proto.RegisterAgentTypeRequest;
import io.agentbus.grpc.proto.RegisterAgentTypeResponse;
import io.agentbus.grpc.proto.RemoveSubscriptionRequest;
import io.agentbus.grpc.proto.RemoveSubscriptionResponse;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Which worker hosts what: the connected workers (and those inside their reconnect grace period),
 * the agent types each registered and the subscriptions each added, in the runtime too. A type is
 * registered in the runtime once, as an inline proxy, however many workers host it; equal
 * subscriptions of workers of one type share the one in force. Answers AutoGen's unary calls
 * ({@code RegisterAgent}, {@code AddSubscription}, {@code RemoveSubscription},
 * {@code GetSubscriptions}) with AutoGen's host's wording where worker code may match on it, and
 * bounds what one worker may register.
 *
 * <p>Threads: the gRPC server's event loops; the maps are concurrent, a type's worker set is
 * changed under its own monitor.
 */
final class WorkerDirectory {

  private final AgentRuntime runtime;
  private final AgentRpcHostOptions options;
  private final AgentFactory proxies;
  private final Map<String, WorkerConnection> workers = new ConcurrentHashMap<>();
  /** Agent type → the workers that registered it, in registration order. */
  private final Map<String, Set<String>> typeWorkers = new ConcurrentHashMap<>();
  /** Worker → (the subscription id it gave → the id in force in the runtime, shared when equal). */
  private final Map<String, Map<String, String>> subscriptionsByClient = new ConcurrentHashMap<>();

  /**
   * @param proxies makes the runtime-side proxy of an agent a worker hosts
   */
  WorkerDirectory(AgentRuntime runtime, AgentRpcHostOptions options, AgentFactory proxies) {
    this.runtime = runtime;
    this.options = options;
    this.proxies = proxies;
  }

  // --- connections ------------------------------------------------------------------------------

  /** @return the worker connected (or in its grace period) under {@code clientId}, or null */
  WorkerConnection get(String clientId) {
    return workers.get(clientId);
  }

  /** @return whether {@code clientId} may connect: known already, or below {@code maxWorkers} */
  boolean admits(String clientId) {
    return workers.containsKey(clientId) || workers.size() < options.getMaxWorkers();
  }

  /** @return the connection {@code w} replaced (same client id), or null */
  WorkerConnection connected(WorkerConnection w) {
    return workers.put(w.clientId, w);
  }

  /** @return every worker connected or in its grace period */
  List<WorkerConnection> all() {
    return new ArrayList<>(workers.values());
  }

  /** @return the client ids of the workers */
  Set<String> ids() {
    return Set.copyOf(workers.keySet());
  }

  /**
   * The worker is gone for good: its types and subscriptions are withdrawn from the runtime, unless
   * another worker still relies on them.
   *
   * @return false when {@code w} is no longer the connection under its client id (nothing done)
   */
  boolean remove(WorkerConnection w, List<Future<?>> withdrawals) {
    if (!workers.remove(w.clientId, w)) {
      return false;
    }
    typeWorkers.forEach((type, clients) -> {
      if (clients.remove(w.clientId) && clients.isEmpty()) {
        typeWorkers.remove(type, clients);
        withdrawals.add(runtime.unregister(type));
      }
    });
    Map<String, String> subs = subscriptionsByClient.remove(w.clientId);
    if (subs != null) {
      subs.values().forEach(actual -> {
        if (!stillUsed(actual)) {
          withdrawals.add(runtime.removeSubscription(actual));
        }
      });
    }
    return true;
  }

  /**
   * @return the connected worker that hosts {@code agent}: {@link Placement} over its type's
   *     connected workers (the runtime's placement), so a key sticks to its worker; null when none
   */
  String workerFor(AgentId agent) {
    Set<String> candidates = typeWorkers.get(agent.type());
    return candidates == null ? null : Placement.owner(agent, candidates, workers::containsKey);
  }

  /** @return what each worker registered and how its stream is doing, by client id */
  List<WorkerState> states() {
    List<WorkerState> out = new ArrayList<>();
    for (WorkerConnection w : workers.values()) {
      Set<String> types = new TreeSet<>();
      typeWorkers.forEach((type, clients) -> {
        if (clients.contains(w.clientId)) {
          types.add(type);
        }
      });
      Set<String> subs = subscriptionsByClient.getOrDefault(w.clientId, Map.of()).keySet();
      out.add(new WorkerState(w.clientId, types, subs, w.pending.size(), w.sending.get(),
          w.dropped.get(), w.queuedBytes.get(), w.queueFull(options.getMaxQueuedBytesPerWorker()), w.suspended));
    }
    out.sort(Comparator.comparing(WorkerState::clientId));
    return out;
  }

  // --- AutoGen's unary calls --------------------------------------------------------------------

  /** AutoGen's host's wording for a type another worker registered (code may match on it). */
  static String alreadyRegistered(String type, String existingClient) {
    return "Agent type " + type + " already registered with client " + existingClient + ".";
  }

  Future<RegisterAgentTypeResponse> registerAgent(String clientId, RegisterAgentTypeRequest r) {
    String type = AgentId.checkType(r.getType());
    long mine = typeWorkers.values().stream().filter(c -> c.contains(clientId)).count();
    if (mine >= options.getMaxTypesPerWorker()) {
      return Future.failedFuture(new AgentCapacityException("worker " + clientId + " already registered "
          + options.getMaxTypesPerWorker() + " agent types (the bridge's maxTypesPerWorker)"));
    }
    Set<String> clients = typeWorkers.computeIfAbsent(type, t -> new CopyOnWriteArraySet<>());
    synchronized (clients) {
      if (clients.contains(clientId)) {
        return Future.failedFuture(new IllegalArgumentException(alreadyRegistered(type, clientId)));
      }
      if (!clients.isEmpty() && !options.isMultipleWorkersPerType()) {
        return Future.failedFuture(new IllegalArgumentException(alreadyRegistered(type, clients.iterator().next())));
      }
      clients.add(clientId);
      if (clients.size() > 1) {
        return Future.succeededFuture(RegisterAgentTypeResponse.getDefaultInstance());
      }
    }
    // proxies only forward: run them inline, without a verticle and a thread hop per message
    return runtime.register(type, proxies, RegistrationOptions.defaults().withInline(true))
        .onFailure(err -> clients.remove(clientId))
        .map(v -> RegisterAgentTypeResponse.getDefaultInstance());
  }

  Future<AddSubscriptionResponse> addSubscription(String clientId, AddSubscriptionRequest r) {
    Subscription s = Wire.subscription(r.getSubscription());
    Map<String, String> mine = subscriptionsByClient.computeIfAbsent(clientId, c -> new ConcurrentHashMap<>());
    if (mine.size() >= options.getMaxSubscriptionsPerWorker()) {
      return Future.failedFuture(new AgentCapacityException("worker " + clientId + " already added "
          + options.getMaxSubscriptionsPerWorker() + " subscriptions (the bridge's maxSubscriptionsPerWorker)"));
    }
    if (options.isMultipleWorkersPerType()) {
      // workers of one type each add the same subscriptions: share the one in force
      for (Subscription existing : runtime.subscriptions()) {
        if (existing.sameAs(s) && !existing.id().equals(s.id()) && sharedType(existing.agentType(), clientId)) {
          mine.put(s.id(), existing.id());
          return Future.succeededFuture(AddSubscriptionResponse.getDefaultInstance());
        }
      }
    }
    if (runtime.subscriptions().stream().anyMatch(existing -> existing.id().equals(s.id()) || existing.sameAs(s))) {
      return Future.failedFuture(new IllegalArgumentException("Subscription already exists"));  // AutoGen's wording
    }
    return runtime.addSubscription(s).map(v -> {
      mine.put(s.id(), s.id());
      return AddSubscriptionResponse.getDefaultInstance();
    });
  }

  Future<RemoveSubscriptionResponse> removeSubscription(String clientId, RemoveSubscriptionRequest r) {
    Map<String, String> mine = subscriptionsByClient.getOrDefault(clientId, Map.of());
    String actual = mine.getOrDefault(r.getId(), r.getId());
    mine.remove(r.getId());
    if (stillUsed(actual)) {
      return Future.succeededFuture(RemoveSubscriptionResponse.getDefaultInstance());
    }
    if (runtime.subscriptions().stream().noneMatch(x -> x.id().equals(actual))) {
      return Future.failedFuture(new IllegalArgumentException("Subscription does not exist"));  // AutoGen's wording
    }
    return runtime.removeSubscription(actual).map(v -> RemoveSubscriptionResponse.getDefaultInstance());
  }

  Future<GetSubscriptionsResponse> getSubscriptions(String clientId, GetSubscriptionsRequest r) {
    GetSubscriptionsResponse.Builder b = GetSubscriptionsResponse.newBuilder();
    runtime.subscriptions().forEach(s -> b.addSubscriptions(Wire.proto(s)));
    return Future.succeededFuture(b.build());
  }

  /** @return whether another worker of the same type registered {@code type} besides {@code clientId} */
  private boolean sharedType(String type, String clientId) {
    Set<String> clients = typeWorkers.get(type);
    return clients != null && clients.contains(clientId) && clients.size() > 1;
  }

  /** @return whether any connected worker still relies on the runtime subscription {@code actual} */
  private boolean stillUsed(String actual) {
    return subscriptionsByClient.values().stream().anyMatch(m -> m.containsValue(actual));
  }
}
