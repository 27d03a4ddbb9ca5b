package io.agentbus.webui.impl;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.LifecycleEvent;
import io.agentbus.cluster.NodeInfo;
import io.agentbus.metrics.BrokerMetrics;
import io.agentbus.webui.Dashboard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** {@link Dashboard}: one timer builds the sections, each client gets what changed for it. */
public final class DashboardImpl implements Dashboard {

  private final long tickMillis;
  private long lastRatePoint;
  private static final int LIFECYCLE_TAIL = 50;

  private final Vertx vertx;
  private final AgentRuntime runtime;
  private final MeterRegistry meters;
  private final Map<String, Supplier<JsonObject>> sections = new LinkedHashMap<>();
  private final Map<String, Supplier<JsonObject>> snapshotSections = new LinkedHashMap<>();
  /** msgs/s, a point per half second at most, the last {@link #RATE_HISTORY} (sent with snapshots). */
  private static final int RATE_HISTORY = 240;
  private final java.util.ArrayDeque<long[]> rates = new java.util.ArrayDeque<>();
  private final Map<ServerWebSocket, Map<String, String>> clients = new ConcurrentHashMap<>();
  private final Map<ServerWebSocket, MessageInspector.Page> pages = new ConcurrentHashMap<>();
  private final MessageInspector inspector;
  private volatile java.util.List<String> environments = java.util.List.of();
  private final ArrayDeque<JsonObject> lifecycle = new ArrayDeque<>();
  private final ArrayDeque<JsonObject> tail = new ArrayDeque<>();
  private final java.util.List<io.agentbus.broker.ChannelSubscription> tailSubscriptions = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AutoCloseable lifecycleRegistration;
  private final long timer;
  private long version;
  private volatile Map<String, JsonObject> latest;
  /** Rates are read over the last 5 s: counters move in bursts (a market step at a time). */
  private static final long RATE_WINDOW_NANOS = 5_000_000_000L;
  private final SlidingRate totalRate = new SlidingRate(RATE_WINDOW_NANOS);
  private final Map<String, SlidingRate> rateByKind = new java.util.HashMap<>();

  public DashboardImpl(Router router, AgentRuntime runtime, MeterRegistry meters, io.agentbus.webui.DashboardOptions options) {
    this.tickMillis = options.getUpdateIntervalMillis();
    this.vertx = runtime.node().vertx();
    this.runtime = runtime;
    this.meters = meters;
    sections.put("nodes", this::nodes);
    sections.put("agents", this::agents);
    sections.put("messages", this::messages);
    this.lifecycleRegistration = runtime.onLifecycle(this::onLifecycle);
    this.inspector = new MessageInspector(runtime);
    // what the inspector offers does not change: sent with snapshots only
    snapshotSections.put("inspector", () -> new JsonObject().put("environments", new JsonArray(environments)));
    router.get("/").handler(ctx -> ctx.reroute("/ui/index.html"));
    router.route("/ui/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
    router.get("/ws").handler(ctx -> ctx.request().toWebSocket().onSuccess(this::onClient)
        .onFailure(err -> ctx.fail(400, err)));
    this.timer = vertx.setPeriodic(tickMillis, id -> tick());
  }

  @Override
  public synchronized Dashboard snapshotSection(String name, Supplier<JsonObject> supplier) {
    snapshotSections.put(name, supplier);
    return this;
  }

  @Override
  public synchronized Dashboard section(String name, Supplier<JsonObject> supplier) {
    sections.put(name, supplier);
    return this;
  }

  @Override
  public io.vertx.core.Future<Void> tail(io.agentbus.broker.MessageBroker broker, io.agentbus.channel.Channel channel) {
    synchronized (this) {
      sections.putIfAbsent("tail", this::tailSection);
    }
    return broker.subscribe(channel, m -> onTail(channel, m)).onSuccess(tailSubscriptions::add).mapEmpty();
  }

  private synchronized void onTail(io.agentbus.channel.Channel channel, io.agentbus.message.Message m) {
    tail.addLast(new JsonObject().put("time", System.currentTimeMillis()).put("channel", channel.address())
        .put("type", m.customType() != null ? m.customType() : m.type().name()).put("sender", m.senderId())
        .put("recipient", m.recipientId()).put("bytes", m.encodedPayload().length()));
    while (tail.size() > LIFECYCLE_TAIL) {
      tail.removeFirst();
    }
  }

  private synchronized JsonObject tailSection() {
    return new JsonObject().put("messages", new JsonArray(new java.util.ArrayList<>(tail)));
  }

  @Override
  public Dashboard inspect(io.agentbus.broker.MessageBroker broker, java.util.List<String> environments) {
    inspector.broker(broker);
    this.environments = java.util.List.copyOf(environments);
    return this;
  }

  @Override
  public int clients() {
    return clients.size();
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
    try {
      lifecycleRegistration.close();
    } catch (Exception ignored) {
      // already gone
    }
    tailSubscriptions.forEach(io.agentbus.broker.ChannelSubscription::unsubscribe);
    pages.values().forEach(inspector::stop);
    pages.clear();
    clients.keySet().forEach(ws -> ws.close());
    clients.clear();
  }

  private void onClient(ServerWebSocket ws) {
    clients.put(ws, new ConcurrentHashMap<>());
    MessageInspector.Page page = new MessageInspector.Page();
    pages.put(ws, page);
    ws.closeHandler(v -> gone(ws));
    ws.exceptionHandler(err -> gone(ws));
    ws.textMessageHandler(text -> inspector.onRequest(page, text).onSuccess(reply -> {
      if (clients.containsKey(ws) && !ws.isClosed()) {
        write(ws, reply.encode());
      }
    }));
    Map<String, JsonObject> now = new LinkedHashMap<>(latest != null ? latest : current());
    now.putAll(snapshotOnly());
    send(ws, encode(now), true);
  }

  private void gone(ServerWebSocket ws) {
    clients.remove(ws);
    MessageInspector.Page page = pages.remove(ws);
    if (page != null) {
      inspector.stop(page);
    }
  }

  private synchronized Map<String, JsonObject> snapshotOnly() {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    JsonArray times = new JsonArray();
    JsonArray values = new JsonArray();
    rates.forEach(r -> {
      times.add(r[0]);
      values.add(r[1] / 1000.0);
    });
    out.put("rates", new JsonObject().put("time", times).put("msgsPerSecond", values));
    evaluate(snapshotSections, out);
    return out;
  }

  private synchronized void recordRate(Map<String, JsonObject> now) {
    JsonObject m = now.get("messages");
    Object rate = m == null ? null : m.getValue("ratePerSecond");
    long nowMillis = System.currentTimeMillis();
    if (rate instanceof Number n && nowMillis - lastRatePoint >= io.agentbus.webui.DashboardOptions.HISTORY_POINT_MILLIS - tickMillis / 2) {
      lastRatePoint = nowMillis;
      rates.addLast(new long[] {System.currentTimeMillis(), Math.round(n.doubleValue() * 1000)});
      while (rates.size() > RATE_HISTORY) {
        rates.removeFirst();
      }
    }
  }

  private synchronized void onLifecycle(LifecycleEvent e) {
    lifecycle.addLast(e.toJson());
    while (lifecycle.size() > LIFECYCLE_TAIL) {
      lifecycle.removeFirst();
    }
  }

  /** The only place sections are computed, so rates always span one tick. */
  private void tick() {
    Map<String, JsonObject> now = current();
    latest = now;
    recordRate(now);
    Map<String, String> encoded = encode(now);
    clients.keySet().forEach(ws -> send(ws, encoded, false));
    pages.forEach((ws, page) -> {
      Inspection i = page.inspection;
      // a page that reads slowly keeps its batch (bounded: the oldest messages are dropped first)
      JsonObject batch = i == null || ws.isClosed() || ws.writeQueueFull() ? null : i.drain();
      if (batch != null) {
        write(ws, batch.encode());
      }
    });
  }

  private synchronized Map<String, JsonObject> current() {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    evaluate(sections, out);
    return out;
  }

  /** Calls each supplier into {@code out}; one that fails shows its error in its section. */
  private static void evaluate(Map<String, Supplier<JsonObject>> suppliers, Map<String, JsonObject> out) {
    suppliers.forEach((name, supplier) -> {
      try {
        JsonObject value = supplier.get();
        if (value != null) {
          out.put(name, value);
        }
      } catch (RuntimeException e) {
        out.put(name, new JsonObject().put("error", e.getMessage()));
      }
    });
  }

  /** Sends what changed since this client's last message (everything for a snapshot). */
  private void send(ServerWebSocket ws, Map<String, String> now, boolean snapshot) {
    Map<String, String> sent = clients.get(ws);
    if (sent == null) {
      return;
    }
    if (ws.isClosed()) {
      return;  // gone; its close handler (on its own event loop) removes it
    }
    if (!snapshot && ws.writeQueueFull()) {
      return;  // coalesce: this client catches up with the next tick's delta
    }
    StringBuilder changed = new StringBuilder();
    now.forEach((name, encoded) -> {
      if (snapshot || !encoded.equals(sent.get(name))) {
        changed.append(changed.length() == 0 ? "" : ",").append(io.vertx.core.json.Json.encode(name)).append(':').append(encoded);
        sent.put(name, encoded);
      }
    });
    if (!snapshot && changed.length() == 0) {
      return;
    }
    long v;
    synchronized (this) {
      v = ++version;
    }
    // the sections were encoded once for every client; the message is put together around them
    write(ws, "{\"type\":\"" + (snapshot ? "snapshot" : "delta") + "\",\"version\":" + v + ",\"time\":"
        + System.currentTimeMillis() + ",\"sections\":{" + changed + "}}");
  }

  /**
   * Writes to one page. A page closes on its own connection's event loop, not the dashboard's: one
   * that closed between the check and the write is skipped (Vert.x throws), and the other pages of
   * the tick still get theirs.
   */
  private static void write(ServerWebSocket ws, String text) {
    try {
      ws.writeTextMessage(text);
    } catch (IllegalStateException closed) {
      // its close handler removes it
    }
  }

  /** @return each section's JSON text, encoded once for all the clients of a tick */
  private static Map<String, String> encode(Map<String, JsonObject> sections) {
    Map<String, String> out = new LinkedHashMap<>();
    sections.forEach((name, value) -> out.put(name, value.encode()));
    return out;
  }

  private JsonObject nodes() {
    JsonArray list = new JsonArray();
    for (NodeInfo i : runtime.node().knownMembers()) {
      list.add(i.toJson().put("self", i.id().equals(runtime.node().id())));
    }
    return new JsonObject().put("clustered", runtime.node().isClustered()).put("members", list)
        .put("secured", io.agentbus.cluster.SharedMaps.sealed(vertx))
        .put("intruders", new JsonArray(runtime.node().intruders()))
        .put("tamperedEntries", io.agentbus.cluster.SharedMaps.tamperedEntries(vertx));
  }

  private synchronized JsonObject agents() {
    return new JsonObject().put("activeHere", runtime.localAgents().size())
        .put("lifecycle", new JsonArray(new java.util.ArrayList<>(lifecycle)));
  }

  private JsonObject messages() {
    double published = sum(BrokerMetrics.PUBLISHED) + sum("agentbus.agent.messages");
    long nowNanos = System.nanoTime();
    double rate = totalRate.update(nowNanos, published);
    JsonObject byKind = new JsonObject();
    Map<String, Double> counts = new java.util.TreeMap<>();
    meters.find(BrokerMetrics.PUBLISHED).counters().forEach(c ->
        counts.merge(c.getId().getTag("kind"), c.count(), Double::sum));
    counts.forEach((kind, count) -> {
      double kindRate = rateByKind.computeIfAbsent(kind, k -> new SlidingRate(RATE_WINDOW_NANOS)).update(nowNanos, count);
      byKind.put(kind, new JsonObject().put("published", count).put("ratePerSecond", Math.round(kindRate * 10) / 10.0));
    });
    return new JsonObject().put("published", published).put("delivered", sum(BrokerMetrics.DELIVERED))
        .put("dropped", sum(BrokerMetrics.DROPPED)).put("ratePerSecond", Math.round(rate * 10) / 10.0)
        .put("byChannelKind", byKind);
  }

  private double sum(String name) {
    return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }
}
