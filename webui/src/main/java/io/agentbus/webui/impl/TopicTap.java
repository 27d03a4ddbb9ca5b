package io.agentbus.webui.impl;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.BytesPayload;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.MessageContext;
import io.agentbus.agent.RegistrationOptions;
import io.agentbus.agent.TypePrefixSubscription;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Agent topics as the inspector sees them. A published message reaches only the agents subscribed
 * to its topic, so to see one the inspector subscribes: for each inspected topic-type prefix, one
 * cluster-wide {@link TypePrefixSubscription} to an inline agent type of this node alone
 * ({@code agentbus-inspector.<node id>}), which every publisher then sends a copy (one frame per
 * node, as for any subscriber). Nothing is subscribed while nobody inspects: the type is registered
 * with the first prefix and withdrawn with the last. Registry operations run one after another.
 */
final class TopicTap {

  /** Distinct prefixes tapped at once by all pages of this node. */
  static final int MAX_PREFIXES = 32;

  private final AgentRuntime runtime;
  private final String type;
  private final Map<String, Tapped> prefixes = new HashMap<>();
  private final List<Inspection> inspections = new CopyOnWriteArrayList<>();
  /** The registry operations, in order. */
  private Future<Void> last = Future.succeededFuture();

  private static final class Tapped {
    final String subscriptionId = UUID.randomUUID().toString();
    int inspections;
  }

  TopicTap(AgentRuntime runtime) {
    this.runtime = runtime;
    this.type = "agentbus-inspector." + runtime.node().id();
  }

  /** @return the agent type copies are sent to (on this node only) */
  String agentType() {
    return type;
  }

  /** Starts tapping {@code inspection}'s prefix; completes once the subscription is active cluster-wide. */
  synchronized Future<Void> add(Inspection inspection) {
    String prefix = inspection.topicPrefix();
    if (!prefixes.containsKey(prefix) && prefixes.size() >= MAX_PREFIXES) {
      // each prefix is a cluster-wide subscription: pages together cannot add more than this
      return Future.failedFuture(new IllegalStateException("this node's inspectors already tap " + MAX_PREFIXES
          + " topic prefixes; inspect one of them or stop another inspection"));
    }
    if (prefixes.isEmpty()) {
      last = last.transform(v -> runtime.register(type, id -> new TapAgent(),
          RegistrationOptions.defaults().withInline(true).withCheckpoint(RegistrationOptions.Checkpoint.NEVER)));
    }
    Tapped t = prefixes.get(prefix);
    if (t == null) {
      Tapped added = new Tapped();
      prefixes.put(prefix, added);
      t = added;
      last = last.compose(v -> runtime.addSubscription(new TypePrefixSubscription(prefix, type, added.subscriptionId)));
    }
    t.inspections++;
    inspections.add(inspection);
    inspection.onClose(() -> remove(inspection));
    Future<Void> active = last;
    // a failure is the page's to hear; later operations still run
    last = last.otherwiseEmpty();
    return active;
  }

  /** Stops tapping for {@code inspection} (when it closes): its prefix's subscription ends when no one else inspects it. */
  private synchronized void remove(Inspection inspection) {
    if (!inspections.remove(inspection)) {
      return;
    }
    Tapped t = prefixes.get(inspection.topicPrefix());
    if (t != null && --t.inspections == 0) {
      prefixes.remove(inspection.topicPrefix());
      last = last.transform(v -> runtime.removeSubscription(t.subscriptionId)).otherwiseEmpty();
    }
    if (prefixes.isEmpty()) {
      last = last.transform(v -> runtime.unregister(type)).otherwiseEmpty();
    }
  }

  private void deliver(Object payload, MessageContext ctx) {
    if (ctx.topic() == null) {
      return; // an RPC to the tap type: not a publish
    }
    String sender = ctx.sender() == null ? null : ctx.sender().toString();
    JsonObject m = null;
    for (Inspection i : inspections) {
      if (ctx.topic().type().startsWith(i.topicPrefix()) && i.wantsAgents(sender, ctx.topic().source())) {
        if (m == null) {
          m = describe(payload, ctx, sender);
        }
        i.offer(m);
      }
    }
  }

  private static JsonObject describe(Object payload, MessageContext ctx, String sender) {
    JsonObject m = new JsonObject().put("time", System.currentTimeMillis()).put("source", "topic")
        .put("where", ctx.topic().type() + "/" + ctx.topic().source()).put("id", ctx.messageId()).put("sender", sender);
    if (payload instanceof JsonPayload j) {
      String text = j.data().encode();
      m.put("type", j.type()).put("bytes", text.length()).put("payload", Inspection.preview(text))
          .put("truncated", text.length() > Inspection.PREVIEW);
    } else if (payload instanceof BytesPayload b) {
      byte[] head = java.util.Arrays.copyOf(b.data(), Math.min(b.size(), Inspection.PREVIEW * 3 / 4));
      m.put("type", b.type()).put("bytes", b.size()).put("contentType", b.contentType())
          .put("payload", "base64:" + Base64.getEncoder().encodeToString(head)).put("truncated", head.length < b.size());
    }
    return m;
  }

  /** The tap's agent: hands every copy to the inspections, keeps nothing. */
  private final class TapAgent extends Agent {
    @Override
    public Handlers handlers() {
      return Handlers.builder().otherwiseForeign((payload, ctx) -> {
        deliver(payload, ctx);
        return Future.succeededFuture();
      }).build();
    }
  }
}
