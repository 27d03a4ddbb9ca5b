package io.agentbus.webui.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one dashboard page inspects — the channels of one environment (optionally one channel
 * kind), or the agent topics whose type starts with a prefix, optionally only the messages one
 * agent sent or receives — and the messages seen since the page was last sent a batch.
 *
 * <p>Bounded whatever the traffic: at most {@link #QUEUE} messages wait for the page (the oldest
 * are dropped first and counted), and a payload is shown up to {@link #PREVIEW} characters.
 * Messages are offered from any thread (broker handlers, the delivering thread of an inline agent)
 * and drained on the dashboard's tick.
 */
final class Inspection {

  /** Messages kept for a page between two ticks. */
  static final int QUEUE = 200;
  /** Characters of a payload shown. */
  static final int PREVIEW = 2_048;

  private final String env;
  private final String kind;
  private final String agent;
  private final String topicPrefix;
  private final ArrayDeque<JsonObject> queue = new ArrayDeque<>();
  private final List<AutoCloseable> closers = new ArrayList<>();
  private long dropped;
  private long seen;
  private boolean closed;

  /** Channels of {@code env} (of one {@code kind}, or all when null), or topics whose type starts with {@code topicPrefix}. */
  Inspection(String env, String kind, String agent, String topicPrefix) {
    this.env = env;
    this.kind = kind;
    this.agent = agent == null ? null : agent.toLowerCase(Locale.ROOT);
    this.topicPrefix = topicPrefix;
  }

  String env() {
    return env;
  }

  /** @return the channel kind asked for, or null for every kind */
  String kind() {
    return kind;
  }

  String topicPrefix() {
    return topicPrefix;
  }

  /** @return whether a message between these two agents passes the agent filter */
  boolean wantsAgents(String sender, String recipient) {
    return agent == null || contains(sender) || contains(recipient);
  }

  private boolean contains(String id) {
    return id != null && id.toLowerCase(Locale.ROOT).contains(agent);
  }

  /** Keeps a message for the page (dropping the oldest waiting one when full). */
  synchronized void offer(JsonObject message) {
    if (closed) {
      return;
    }
    seen++;
    if (queue.size() >= QUEUE) {
      queue.removeFirst();
      dropped++;
    }
    queue.addLast(message);
  }

  /** @return the page's next batch ({@code inspected}), or null when nothing happened since the last */
  synchronized JsonObject drain() {
    if (queue.isEmpty()) {
      return null;
    }
    JsonObject batch = new JsonObject().put("type", "inspected").put("messages", new JsonArray(new ArrayList<>(queue)))
        .put("dropped", dropped).put("seen", seen);
    queue.clear();
    return batch;
  }

  /** Registers what {@link #close} undoes (a subscription); undone at once when already closed. */
  void onClose(AutoCloseable closer) {
    synchronized (this) {
      if (!closed) {
        closers.add(closer);
        return;
      }
    }
    quietly(closer);
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /** Stops the inspection: its subscriptions end, nothing more is kept. */
  void close() {
    List<AutoCloseable> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(closers);
      closers.clear();
      queue.clear();
    }
    toClose.forEach(Inspection::quietly);
  }

  private static void quietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // an ended subscription
    }
  }

  /** @return {@code text}, cut to {@link #PREVIEW} characters */
  static String preview(String text) {
    return text.length() <= PREVIEW ? text : text.substring(0, PREVIEW);
  }
}
