package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentStats;

import java.util.concurrent.atomic.AtomicLong;

/** What one activation of an agent has received and sent: counted where it happens, read by consoles. */
final class AgentActivity {

  private final AtomicLong in = new AtomicLong();
  private final AtomicLong out = new AtomicLong();
  private volatile long lastActivityMillis = System.currentTimeMillis();

  void received() {
    in.incrementAndGet();
    lastActivityMillis = System.currentTimeMillis();
  }

  void sent() {
    out.incrementAndGet();
  }

  void touched() {
    lastActivityMillis = System.currentTimeMillis();
  }

  long lastActivityMillis() {
    return lastActivityMillis;
  }

  AgentStats stats(AgentId id) {
    return new AgentStats(id, in.get(), out.get(), lastActivityMillis);
  }
}
