package io.agentbus.llm.loop.impl;

import io.agentbus.llm.impl.LazyAsyncMap;
import io.agentbus.llm.loop.BudgetExceededException;
import io.agentbus.llm.loop.BudgetLedger;
import io.agentbus.llm.loop.LedgerUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/**
 * {@link BudgetLedger} on a Vert.x {@link AsyncMap} (Hazelcast's {@code IMap} when clustered).
 *
 * <p>Each window is its own key ({@code cost|scope|2026-11-22}, {@code tools|scope|29446120}), so a
 * window resets by construction; keys carry a time-to-live a little past their window. Updates are
 * compare-and-set loops ({@code putIfAbsent} / {@code replaceIfPresent}, atomic on the key's
 * partition owner), the limit checked against the value being replaced.
 *
 * <p>Each value is the string {@code "total/version"} (strings compare exactly in compare-and-set), the version raised by every write. This node
 * remembers the highest version it has seen per key: a read that finds a lower one, or no entry
 * where it has seen one, means someone deleted or rolled back the window (on a cluster with a
 * secret, the sealed map already refuses forged values; an old sealed value put back is what
 * remains). The ledger then fails closed: the work is refused as if the ledger were unreachable.
 */
public final class SharedDataBudgetLedger implements BudgetLedger {

  private static final String MAP = "agentbus.llm.budget";
  private static final long OP_TIMEOUT_MILLIS = 5_000;
  private static final int MAX_CAS_ATTEMPTS = 64;
  private static final long DAY_TTL_MILLIS = TimeUnit.HOURS.toMillis(26);
  private static final long MINUTE_TTL_MILLIS = TimeUnit.MINUTES.toMillis(3);

  private final Clock clock;
  private final LazyAsyncMap<String, String> map;
  private final java.util.Map<String, Long> highWater = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param vertx the node's Vert.x
   * @param clock the clock windows are computed from
   */
  public SharedDataBudgetLedger(Vertx vertx, Clock clock) {
    this.clock = clock;
    this.map = new LazyAsyncMap<>(vertx, MAP);
  }

  private Future<AsyncMap<String, String>> map() {
    return map.get();
  }

  private String dayKey(String scope) {
    return "cost|" + scope + "|" + Instant.now(clock).atOffset(ZoneOffset.UTC).toLocalDate();
  }

  private String minuteKey(String scope) {
    return "tools|" + scope + "|" + TimeUnit.MILLISECONDS.toMinutes(clock.millis());
  }

  @Override
  public Future<Long> reserveCost(String scope, long microUsd, long capMicroUsd) {
    if (microUsd < 0) {
      return Future.failedFuture(new IllegalArgumentException("a reservation must be 0 or more"));
    }
    return guarded("reserve cost", add(dayKey(scope), microUsd, capMicroUsd, DAY_TTL_MILLIS, (total) ->
        "daily cost cap of $" + usd(capMicroUsd) + " for scope '" + scope + "' reached ($" + usd(total)
            + " spent today, this call may cost up to $" + usd(microUsd) + ")"));
  }

  @Override
  public Future<Long> adjustCost(String scope, long deltaMicroUsd) {
    return guarded("settle cost", add(dayKey(scope), deltaMicroUsd, 0, DAY_TTL_MILLIS, total -> ""));
  }

  @Override
  public Future<Long> acquireToolCall(String scope, int perMinute) {
    return guarded("count a tool call", add(minuteKey(scope), 1, perMinute, MINUTE_TTL_MILLIS, total ->
        "tool-call rate of " + perMinute + " per minute for scope '" + scope + "' reached"));
  }

  @Override
  public Future<Usage> usage(String scope) {
    return guarded("read usage", map().compose(m -> {
      String dk = dayKey(scope);
      String mk = minuteKey(scope);
      long costFloor = floor(dk);
      long toolsFloor = floor(mk);
      Future<String> cost = m.get(dk);
      Future<String> tools = m.get(mk);
      return Future.all(cost, tools).map(v -> new Usage(total(dk, cost.result(), costFloor), total(mk, tools.result(), toolsFloor)));
    }));
  }

  /** @return the highest version of {@code key} this node has seen, to check a read issued now against */
  private long floor(String key) {
    return highWater.getOrDefault(key, 0L);
  }

  /**
   * @param floor the highest version seen when the read was issued (a read may not go below a
   *     write that completed before it started; concurrent reads may, so the floor is taken then)
   * @return the window's total, after checking it was not deleted or rolled back
   */
  private long total(String key, String value, long floor) {
    long[] tv = parse(key, value);
    long version = tv[1];
    if (version < floor) {
      throw new IllegalStateException("window " + key + " went back from version " + floor + " to " + version
          + " (deleted or rolled back by someone without the cluster secret?)");
    }
    if (version > 0) {
      highWater.merge(key, version, Math::max);
    }
    return tv[0];
  }

  private static long[] parse(String key, String value) {
    if (value == null) {
      return new long[] {0, 0};
    }
    int slash = value.indexOf('/');
    try {
      return new long[] {Long.parseLong(value.substring(0, slash)), Long.parseLong(value.substring(slash + 1))};
    } catch (RuntimeException e) {
      throw new IllegalStateException("window " + key + " holds an unreadable value");
    }
  }

  private Future<Long> add(String key, long delta, long cap, long ttl, java.util.function.LongFunction<String> overCap) {
    return map().compose(m -> attempt(m, key, delta, cap, ttl, overCap, 0));
  }

  private Future<Long> attempt(AsyncMap<String, String> m, String key, long delta, long cap, long ttl,
                               java.util.function.LongFunction<String> overCap, int attempt) {
    if (attempt >= MAX_CAS_ATTEMPTS) {
      return Future.failedFuture(new IllegalStateException("too much contention on " + key));
    }
    long floor = floor(key);
    return m.get(key).compose(current -> {
      long now = total(key, current, floor);
      long next = Math.max(0, now + delta);
      if (cap > 0 && delta > 0 && next > cap) {
        return Future.failedFuture(new BudgetExceededException(overCap.apply(now)));
      }
      long version = parse(key, current)[1] + 1;
      String value = next + "/" + version;
      if (current == null) {
        return m.putIfAbsent(key, value, ttl).compose(prev -> prev == null ? written(key, version, next)
            : attempt(m, key, delta, cap, ttl, overCap, attempt + 1));
      }
      return m.replaceIfPresent(key, current, value).compose(done -> done ? written(key, version, next)
          : attempt(m, key, delta, cap, ttl, overCap, attempt + 1));
    });
  }

  private Future<Long> written(String key, long version, long total) {
    highWater.merge(key, version, Math::max);
    return Future.succeededFuture(total);
  }

  private <T> Future<T> guarded(String what, Future<T> op) {
    return op.timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).recover(err -> err instanceof BudgetExceededException
        || err instanceof IllegalArgumentException ? Future.failedFuture(err)
        : Future.failedFuture(new LedgerUnavailableException("budget ledger: cannot " + what + " (" + err.getMessage()
            + "); refusing the work", err)));
  }

  private static String usd(long micro) {
    return String.format(java.util.Locale.ROOT, "%.4f", micro / 1_000_000.0);
  }
}
