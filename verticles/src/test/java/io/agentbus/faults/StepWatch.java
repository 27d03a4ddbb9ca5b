package io.agentbus.faults;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Watches the market from outside: polls every node's {@code /api/market} every 50 ms and records
 * when a step completed (the driver's report changed), so a test can measure how long a fault
 * stalled the market.
 */
public final class StepWatch implements AutoCloseable {

  private final List<Long> steps = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private volatile boolean running = true;

  public StepWatch(List<FaultNode> nodes) {
    for (FaultNode n : nodes) {
      Thread t = new Thread(() -> watch(n), "step-watch-" + n.name());
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  private void watch(FaultNode n) {
    String last = null;
    while (running) {
      JsonObject m = n.alive() ? n.get("/api/market") : null;
      if (m != null && !"another node".equals(m.getString("drivenBy"))) {
        String key = m.getString("drivenBy") + "/" + m.getValue("step") + "/" + m.getValue("stepMillis");
        if (last != null && !key.equals(last)) {
          steps.add(System.currentTimeMillis());
        }
        last = key;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** @return when the last step before {@code millis} completed, or 0 */
  public long lastStepBefore(long millis) {
    long best = 0;
    for (long s : steps) {
      if (s <= millis && s > best) {
        best = s;
      }
    }
    return best;
  }

  /** Waits for the first step completed after {@code millis}; returns its time, or fails after the timeout. */
  public long firstStepAfter(long millis, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      for (long s : steps) {
        if (s > millis) {
          return s;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the market did not step within " + timeoutMillis + " ms");
  }

  @Override
  public void close() {
    running = false;
    threads.forEach(Thread::interrupt);
  }
}
