package io.agentbus.probe;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentTimeoutException;
import io.agentbus.agent.RegistrationOptions;
import io.agentbus.agent.TopicId;
import io.agentbus.agent.TypeSubscription;
import io.agentbus.cluster.NodeInfo;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The delivery probe of one node ({@code --verticles ...,probe}): a canary for the delivery
 * contract. Its sink agent is pinned to this node (type {@code probe-<node id>}, registered here
 * only); every {@link #INTERVAL_MS} ms it sends one RPC and publishes one event to the sink of
 * every node it knows, itself included, each stream numbered from 1. {@link #snapshot()} (served at
 * {@code GET /api/probe}) tells, per target, what was sent and how it ended, and per stream
 * received here, what arrived, twice, out of order or not (yet).
 */
public final class DeliveryProbe extends VerticleBase {

  /** How often a probe message goes to every node, per kind. */
  public static final long INTERVAL_MS = 100;
  /** RPC timeout of a probe send. */
  public static final long SEND_TIMEOUT_MS = 5_000;
  /** Streams a sink keeps statistics for at most (the rest are refused). */
  static final int MAX_STREAMS = 1_000;

  private final AgentRuntime runtime;
  private final String type;
  private final Map<String, StreamStats> received = new ConcurrentHashMap<>();
  private final Map<String, Target> targets = new ConcurrentHashMap<>();

  /** What this node sent to one target. */
  private static final class Target {
    final AtomicLong sendSeq = new AtomicLong();
    final AtomicLong acknowledged = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong timedOut = new AtomicLong();
    final AtomicLong publishSeq = new AtomicLong();
    final AtomicLong publishRefused = new AtomicLong();
    final Map<Long, Long> pending = new ConcurrentHashMap<>();

    JsonObject toJson() {
      long now = System.currentTimeMillis();
      long oldest = pending.values().stream().mapToLong(t -> now - t).max().orElse(0);
      return new JsonObject().put("sent", sendSeq.get()).put("acknowledged", acknowledged.get()).put("failed", failed.get())
          .put("timedOut", timedOut.get()).put("pending", pending.size()).put("oldestPendingMs", oldest)
          .put("published", publishSeq.get()).put("publishRefused", publishRefused.get());
    }
  }

  /** @param runtime the node's runtime */
  public DeliveryProbe(AgentRuntime runtime) {
    this.runtime = runtime;
    this.type = typeOf(runtime.node().id());
  }

  /** @return the sink's agent type on node {@code nodeId} */
  static String typeOf(String nodeId) {
    return "probe-" + nodeId.replaceAll("[^A-Za-z0-9]", "");
  }

  @Override
  public Future<?> start() {
    return runtime.register(type, id -> new ProbeSink(received), RegistrationOptions.defaults())
        .compose(v -> runtime.addSubscription(new TypeSubscription(type, type, type + "-events")))
        .onSuccess(v -> vertx.setPeriodic(INTERVAL_MS, t -> tick()));
  }

  private void tick() {
    for (NodeInfo n : runtime.node().knownMembers()) {
      String targetType = typeOf(n.id());
      if (!runtime.subscriptions().stream().anyMatch(s -> s.agentType().equals(targetType))) {
        continue; // that node runs no probe
      }
      Target t = targets.computeIfAbsent(n.id(), k -> new Target());
      long seq = t.sendSeq.incrementAndGet();
      t.pending.put(seq, System.currentTimeMillis());
      runtime.send(new ProbeMessage(runtime.node().id() + "/send", seq), new AgentId(targetType, "sink"), null,
          ProbeMessage.class, SEND_TIMEOUT_MS).onComplete(ar -> {
            t.pending.remove(seq);
            if (ar.succeeded()) {
              t.acknowledged.incrementAndGet();
            } else if (ar.cause() instanceof AgentTimeoutException) {
              t.timedOut.incrementAndGet();
            } else {
              t.failed.incrementAndGet();
            }
          });
      long pseq = t.publishSeq.incrementAndGet();
      runtime.publish(new ProbeMessage(runtime.node().id() + "/publish", pseq), new TopicId(targetType, "sink"), null)
          .onFailure(err -> t.publishRefused.incrementAndGet());
    }
  }

  /**
   * @return {@code {"node", "sent": {target node: {sent, acknowledged, failed, timedOut, pending,
   *     oldestPendingMs, published, publishRefused}}, "received": {stream: {received, duplicates,
   *     reordered, highest, missing}}}}
   */
  public JsonObject snapshot() {
    JsonObject sent = new JsonObject();
    targets.forEach((node, t) -> sent.put(node, t.toJson()));
    JsonObject in = new JsonObject();
    received.forEach((stream, s) -> in.put(stream, s.toJson()));
    return new JsonObject().put("node", runtime.node().id()).put("sent", sent).put("received", in);
  }

  @Override
  public Future<?> stop() {
    // the subscription is cluster-wide: withdraw it (a crashed node's stays, and matches no live agent type)
    return runtime.removeSubscription(type + "-events").otherwiseEmpty();
  }
}
