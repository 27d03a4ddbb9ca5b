package io.agentbus.probe;

import io.vertx.core.json.JsonObject;

import java.util.BitSet;

/**
 * What a receiver saw of one sequenced stream: how many messages arrived, how many arrived twice,
 * how many arrived after a later one, and how many numbers below the highest never arrived (yet).
 * Remembers the last {@link #WINDOW} numbers; older duplicates are not detected.
 */
final class StreamStats {

  static final int WINDOW = 1 << 16;

  private final BitSet seen = new BitSet();
  private long base;
  private long received;
  private long duplicates;
  private long reordered;
  private long highest;

  synchronized void record(long seq) {
    if (seq <= base) {
      duplicates++; // below the window: only a re-delivery can be this old
      return;
    }
    int bit = (int) (seq - base - 1);
    if (seen.get(bit)) {
      duplicates++;
      return;
    }
    seen.set(bit);
    received++;
    if (seq < highest) {
      reordered++;
    }
    highest = Math.max(highest, seq);
    if (highest - base > 2L * WINDOW) {
      long drop = highest - base - WINDOW;
      BitSet kept = seen.get((int) drop, (int) (highest - base));
      seen.clear();
      seen.or(kept);
      base += drop;
    }
  }

  synchronized JsonObject toJson() {
    return new JsonObject().put("received", received).put("duplicates", duplicates).put("reordered", reordered)
        .put("highest", highest).put("missing", highest - received);
  }
}
