package io.agentbus.webui.impl;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.TopicId;
import io.agentbus.broker.MessageBroker;
import io.agentbus.channel.Channel;
import io.agentbus.message.Message;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's message inspector: a page asks, on its WebSocket, to see the messages on the
 * channels of an environment or on agent topics, and gets them in batches with their payloads.
 *
 * <p>Requests (JSON text frames):
 * <pre>
 * {"type":"inspect","source":"channels","env":"market","kind":"results","agent":"mg1"}   kind, agent optional
 * {"type":"inspect","source":"topics","topic":"agentbus.llm","agent":"assistant"}         agent optional
 * {"type":"inspect-stop"}
 * </pre>
 * Answers: {@code {"type":"inspecting",...}} echoing what is inspected (source null once stopped),
 * or {@code {"type":"inspect-error","message":...}}; then {@code {"type":"inspected","messages":[...],
 * "dropped":n,"seen":n}} on each dashboard tick with new messages. One inspection per page; a new
 * request replaces it. What a page can make this node allocate is bounded: at most
 * {@value #MAX_CHANNELS} channels per inspection, one request per {@value #MIN_REQUEST_INTERVAL_MILLIS}
 * ms, fields of at most 256 characters, the {@link Inspection} queue and preview limits.
 */
final class MessageInspector {

  static final int MAX_CHANNELS = 64;
  static final long MIN_REQUEST_INTERVAL_MILLIS = 300;
  private static final long RELIST_MILLIS = 2_000;
  private static final int MAX_FIELD = 256;

  private final Vertx vertx;
  private final TopicTap topics;
  private volatile MessageBroker broker;

  MessageInspector(AgentRuntime runtime) {
    this.vertx = runtime.node().vertx();
    this.topics = new TopicTap(runtime);
  }

  /** Lets pages inspect this broker's channels. */
  void broker(MessageBroker broker) {
    this.broker = broker;
  }

  /** A page's state as the inspector keeps it. */
  static final class Page {
    volatile Inspection inspection;
    long lastRequestMillis;
  }

  /**
   * Handles one request of a page.
   *
   * @return the answer to send it
   */
  Future<JsonObject> onRequest(Page page, String text) {
    JsonObject request;
    try {
      request = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      return error("a request is a JSON object such as {\"type\":\"inspect\",\"source\":\"channels\",\"env\":\"market\"}");
    }
    long now = System.currentTimeMillis();
    synchronized (page) {
      if (now - page.lastRequestMillis < MIN_REQUEST_INTERVAL_MILLIS) {
        return error("too many inspector requests: at most one per " + MIN_REQUEST_INTERVAL_MILLIS + " ms");
      }
      page.lastRequestMillis = now;
    }
    String type = request.getValue("type") instanceof String t ? t : "";
    switch (type) {
      case "inspect-stop":
        stop(page);
        return Future.succeededFuture(new JsonObject().put("type", "inspecting").putNull("source"));
      case "inspect":
        return start(page, request);
      default:
        return error("unknown request type '" + cut(type) + "': inspect or inspect-stop");
    }
  }

  /** Ends the page's inspection (the page closed, or asked). */
  void stop(Page page) {
    Inspection i = page.inspection;
    page.inspection = null;
    if (i != null) {
      i.close();
    }
  }

  private Future<JsonObject> start(Page page, JsonObject request) {
    String source;
    String env;
    String kind;
    String agent;
    String prefix;
    try {
      source = field(request, "source");
      env = field(request, "env");
      kind = field(request, "kind");
      agent = field(request, "agent");
      prefix = field(request, "topic");
    } catch (IllegalArgumentException e) {
      return error(e.getMessage());
    }
    stop(page);
    JsonObject answer = new JsonObject().put("type", "inspecting").put("source", source).put("env", env).put("kind", kind)
        .put("agent", agent).put("topic", prefix);
    if ("channels".equals(source)) {
      MessageBroker b = broker;
      if (b == null) {
        return error("this node has no message broker to inspect; inspect agent topics instead");
      }
      if (env == null) {
        return error("inspecting channels needs the environment (env)");
      }
      Inspection inspection = new Inspection(env, kind, agent, null);
      return begin(page, inspection, tapChannels(b, inspection), answer);
    }
    if ("topics".equals(source)) {
      if (prefix == null) {
        return error("inspecting agent topics needs the topic type, or the start of it (topic)");
      }
      try {
        new TopicId(prefix, "inspector");
      } catch (IllegalArgumentException e) {
        return error(e.getMessage());
      }
      Inspection inspection = new Inspection(null, null, agent, prefix);
      return begin(page, inspection, topics.add(inspection), answer);
    }
    return error("source is channels or topics, not '" + (source == null ? "" : source) + "'");
  }

  /** Makes {@code inspection} the page's; answers once it is active, or closes it and says why. */
  private static Future<JsonObject> begin(Page page, Inspection inspection, Future<Void> active, JsonObject answer) {
    page.inspection = inspection;
    return active.map(answer).recover(err -> {
      inspection.close();
      if (page.inspection == inspection) {
        page.inspection = null;
      }
      return error("could not start inspecting: " + err.getMessage());
    });
  }

  /** Subscribes to the environment's channels now, and to those that appear later (listed again every 2 s). */
  private Future<Void> tapChannels(MessageBroker b, Inspection inspection) {
    Set<String> tapped = ConcurrentHashMap.newKeySet();
    long timer = vertx.setPeriodic(RELIST_MILLIS, t -> list(b, inspection, tapped));
    inspection.onClose(() -> vertx.cancelTimer(timer));
    return list(b, inspection, tapped);
  }

  private Future<Void> list(MessageBroker b, Inspection inspection, Set<String> tapped) {
    Future<List<Channel>> listed;
    try {
      listed = b.environmentChannels(inspection.env());
    } catch (RuntimeException e) {
      listed = Future.failedFuture(e);
    }
    return listed.compose(channels -> {
      List<Future<?>> subscribed = new java.util.ArrayList<>();
      for (Channel c : channels) {
        if (inspection.isClosed() || tapped.size() >= MAX_CHANNELS) {
          break;
        }
        if ((inspection.kind() == null || inspection.kind().equals(c.kind())) && tapped.add(c.address())) {
          subscribed.add(b.subscribe(c, m -> onChannelMessage(inspection, c, m))
              .onSuccess(s -> inspection.onClose(s::unsubscribe)));
        }
      }
      return Future.all(subscribed).<Void>mapEmpty();
    });
  }

  private static void onChannelMessage(Inspection inspection, Channel c, Message m) {
    if (!inspection.wantsAgents(m.senderId(), m.recipientId())) {
      return;
    }
    String payload = m.encodedPayload().toString();
    inspection.offer(new JsonObject().put("time", System.currentTimeMillis()).put("source", "channel")
        .put("where", c.address()).put("env", c.envId()).put("kind", c.kind())
        .put("type", m.customType() != null ? m.customType() : m.type().name()).put("id", m.id())
        .put("sender", m.senderId()).put("recipient", m.recipientId()).put("bytes", payload.length())
        .put("payload", Inspection.preview(payload)).put("truncated", payload.length() > Inspection.PREVIEW));
  }

  private static String field(JsonObject request, String name) {
    Object v = request.getValue(name);
    if (v == null || (v instanceof String s && s.isBlank())) {
      return null;
    }
    if (!(v instanceof String s) || s.length() > MAX_FIELD) {
      throw new IllegalArgumentException(name + " is a string of at most " + MAX_FIELD + " characters");
    }
    return s.trim();
  }

  private static String cut(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }

  private static Future<JsonObject> error(String message) {
    return Future.succeededFuture(new JsonObject().put("type", "inspect-error").put("message", message));
  }
}
