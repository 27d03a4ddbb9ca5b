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
 */
public final class SharedDataBudgetLedger implements BudgetLedger {

  private static final String MAP = "agentbus.llm.budget";
  private static final long OP_TIMEOUT_MILLIS = 5_000;
  private static final int MAX_CAS_ATTEMPTS = 64;
  private static final long DAY_TTL_MILLIS = TimeUnit.HOURS.toMillis(26);
  private static final long MINUTE_TTL_MILLIS = TimeUnit.MINUTES.toMillis(3);

  private final Clock clock;
  private final LazyAsyncMap<String, Long> map;

  /**
   * @param vertx the node's Vert.x
   * @param clock the clock windows are computed from
   */
  public SharedDataBudgetLedger(Vertx vertx, Clock clock) {
    this.clock = clock;
    this.map = new LazyAsyncMap<>(vertx, MAP);
  }

  private Future<AsyncMap<String, Long>> map() {
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
      Future<Long> cost = m.get(dayKey(scope));
      Future<Long> tools = m.get(minuteKey(scope));
      return Future.all(cost, tools).map(v -> new Usage(cost.result() == null ? 0 : cost.result(),
          tools.result() == null ? 0 : tools.result()));
    }));
  }

  private Future<Long> add(String key, long delta, long cap, long ttl, java.util.function.LongFunction<String> overCap) {
    return map().compose(m -> attempt(m, key, delta, cap, ttl, overCap, 0));
  }

  private Future<Long> attempt(AsyncMap<String, Long> m, String key, long delta, long cap, long ttl,
                               java.util.function.LongFunction<String> overCap, int attempt) {
    if (attempt >= MAX_CAS_ATTEMPTS) {
      return Future.failedFuture(new IllegalStateException("too much contention on " + key));
    }
    return m.get(key).compose(current -> {
      long now = current == null ? 0 : current;
      long next = Math.max(0, now + delta);
      if (cap > 0 && delta > 0 && next > cap) {
        return Future.failedFuture(new BudgetExceededException(overCap.apply(now)));
      }
      if (current == null) {
        return m.putIfAbsent(key, next, ttl).compose(prev -> prev == null ? Future.succeededFuture(next)
            : attempt(m, key, delta, cap, ttl, overCap, attempt + 1));
      }
      return m.replaceIfPresent(key, current, next).compose(done -> done ? Future.succeededFuture(next)
          : attempt(m, key, delta, cap, ttl, overCap, attempt + 1));
    });
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
