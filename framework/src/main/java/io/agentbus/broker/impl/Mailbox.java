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
  private final long maxBytes;
  private long bytes;
  private final OverflowPolicy policy;
  private final BrokerMetrics metrics;
  private final Counter overflows;
  private final ArrayDeque<Message> messages = new ArrayDeque<>();

  Mailbox(Channel channel, int capacity, long maxBytes, OverflowPolicy policy, BrokerMetrics metrics) {
    this.channel = channel;
    this.capacity = capacity;
    this.maxBytes = maxBytes;
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
    long size = size(message);
    if (size > maxBytes) {
      overflows.increment();
      throw new MailboxFullException("message of " + size + " bytes is larger than the mailbox of channel " + channel.address()
          + " may hold (" + maxBytes + " bytes); message rejected");
    }
    int dropped = 0;
    synchronized (messages) {
      if (messages.size() >= capacity || bytes + size > maxBytes) {
        if (policy == OverflowPolicy.REJECT_NEWEST) {
          overflows.increment();
          throw messages.size() >= capacity ? new MailboxFullException(channel.address(), capacity)
              : new MailboxFullException("mailbox of channel " + channel.address() + " is full (" + bytes + " of " + maxBytes
                  + " bytes); message rejected");
        }
        while (!messages.isEmpty() && (messages.size() >= capacity || bytes + size > maxBytes)) {
          bytes -= size(messages.pollFirst());
          dropped++;
        }
      }
      messages.addLast(message);
      bytes += size;
    }
    if (dropped > 0) {
      overflows.increment(dropped);
    }
    metrics.depthChanged(1 - dropped);
  }

  /**
   * A message's size for the byte bound: its payload's JSON size, estimated without encoding (exact
   * but for floating-point numbers, which count their longest form), so that a mailbox whose
   * messages never leave this JVM encodes nothing. Stable for a message, as its removal needs.
   */
  private static long size(Message m) {
    return io.agentbus.message.FrozenJson.sizeEstimate(m.payload());
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
            bytes -= size(m);
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
        Message m = it.next();
        if (m.envId().equals(envId)) {
          it.remove();
          bytes -= size(m);
          removed++;
        }
      }
    }
    metrics.depthChanged(-removed);
  }

  /**
   * Removes and returns every message, oldest first (the mailbox is handed to another owner).
   * Nothing is counted as dropped or delivered: the messages move.
   */
  List<Message> drainAll() {
    List<Message> out;
    synchronized (messages) {
      out = new ArrayList<>(messages);
      messages.clear();
      bytes = 0;
    }
    metrics.depthChanged(-out.size());
    return out;
  }

  /** Drops everything (close). */
  void discard() {
    int n;
    synchronized (messages) {
      n = messages.size();
      messages.clear();
      bytes = 0;
    }
    metrics.depthChanged(-n);
  }

  int size() {
    synchronized (messages) {
      return messages.size();
    }
  }
}
