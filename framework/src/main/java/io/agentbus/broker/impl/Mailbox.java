package io.agentbus.broker.impl;

import io.agentbus.broker.MailboxFullException;
import io.agentbus.broker.OverflowPolicy;
import io.agentbus.channel.Channel;
import io.agentbus.message.Message;
import io.agentbus.metrics.BrokerMetrics;
import io.micrometer.core.instrument.Counter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The bounded, thread-safe message store of one channel, for pull consumers. */
final class Mailbox {

  private final Channel channel;
  private final int capacity;
  private final OverflowPolicy policy;
  private final BrokerMetrics metrics;
  private final Counter overflows;
  private final ArrayDeque<Message> messages = new ArrayDeque<>();

  Mailbox(Channel channel, int capacity, OverflowPolicy policy, BrokerMetrics metrics) {
    this.channel = channel;
    this.capacity = capacity;
    this.policy = policy;
    this.metrics = metrics;
    this.overflows = metrics.droppedCounter(channel, BrokerMetrics.REASON_OVERFLOW);
  }

  Channel channel() {
    return channel;
  }

  /**
   * Stores a message, applying the overflow policy.
   *
   * @throws MailboxFullException when full and the policy rejects new messages
   */
  void store(Message message) {
    synchronized (messages) {
      if (messages.size() >= capacity) {
        overflows.increment();
        if (policy == OverflowPolicy.REJECT_NEWEST) {
          throw new MailboxFullException(channel.address(), capacity);
        }
        messages.pollFirst();
        messages.addLast(message);
        return;  // one out, one in: the depth is unchanged
      }
      messages.addLast(message);
    }
    metrics.depthChanged(1);
  }

  /** @return the recipient's messages of {@code envId}, oldest first, removed when {@code clear} */
  List<Message> consume(String recipientId, String envId, boolean clear) {
    List<Message> out = new ArrayList<>();
    synchronized (messages) {
      Iterator<Message> it = messages.iterator();
      while (it.hasNext()) {
        Message m = it.next();
        if (m.recipientId().equals(recipientId) && m.envId().equals(envId)) {
          out.add(m);
          if (clear) {
            it.remove();
          }
        }
      }
    }
    if (clear && !out.isEmpty()) {
      metrics.depthChanged(-out.size());
    }
    metrics.delivered(channel, "consume", out.size());
    return out;
  }

  /** Removes every message of {@code envId}. */
  void clearEnvironment(String envId) {
    int removed = 0;
    synchronized (messages) {
      Iterator<Message> it = messages.iterator();
      while (it.hasNext()) {
        if (it.next().envId().equals(envId)) {
          it.remove();
          removed++;
        }
      }
    }
    metrics.depthChanged(-removed);
  }

  /** Drops everything (close). */
  void discard() {
    int n;
    synchronized (messages) {
      n = messages.size();
      messages.clear();
    }
    metrics.depthChanged(-n);
  }

  int size() {
    synchronized (messages) {
      return messages.size();
    }
  }
}
