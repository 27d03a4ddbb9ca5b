package io.agentbus.node;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.broker.MessageBroker;
import io.agentbus.cluster.Leadership;
import io.agentbus.cluster.Node;
import io.agentbus.microgrid.MarketMessages.StepReport;
import io.agentbus.microgrid.MicrogridMarketEnv;
import io.agentbus.microgrid.MicrogridResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Runs the market continuously: one step every interval, driven by exactly one node of the cluster,
 * the holder of the {@code market-driver} {@link Leadership} (a fenced lease, held only with a
 * quorum when {@code --expected-members} is set). A new driver starts a new episode; its resets and
 * steps carry its fencing token, so the operator refuses a deposed driver's. The microgrid agents
 * run wherever the runtime places them.
 */
public final class MarketVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MarketVerticle.class);
  /** The environment id of the node's market. */
  public static final String ENV_ID = "market";

  private final Node node;
  private final AgentRuntime runtime;
  private final MessageBroker broker;
  private final NodeConfig config;
  private MicrogridMarketEnv env;
  private boolean running;
  private boolean needsReset = true;
  private volatile JsonObject latest;
  private volatile long lastStepMillis;
  private volatile boolean leading;
  private long term;
  private Leadership leadership;

  MarketVerticle(Node node, AgentRuntime runtime, MessageBroker broker, NodeConfig config) {
    this.node = node;
    this.runtime = runtime;
    this.broker = broker;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    env = MicrogridMarketEnv.distributed(ENV_ID, MicrogridMarketEnv.defaultMicrogrids(config.microgrids()), runtime, broker);
    return Leadership.start(node, DRIVER_ROLE, config.nodeOptions().getFailureDetectionSeconds() * 1000L).onSuccess(l -> {
      leadership = l;
      vertx.setPeriodic(config.stepIntervalMs(), id -> tick());
    });
  }

  @Override
  public Future<?> stop() {
    return leadership == null ? Future.succeededFuture() : leadership.close();
  }

  /** How often the market's summary is logged at INFO. */
  static final long SUMMARY_MILLIS = 60_000;

  private Minute minute = new Minute();

  /** What the market did since the last summary. */
  static final class Minute {
    long startedMillis;
    int steps;
    double totalMs;
    double maxMs;
    int trades;
    double minPrice = Double.MAX_VALUE;
    double maxPrice = -Double.MAX_VALUE;

    void add(double ms, int stepTrades, double price) {
      steps++;
      totalMs += ms;
      maxMs = Math.max(maxMs, ms);
      trades += stepTrades;
      minPrice = Math.min(minPrice, price);
      maxPrice = Math.max(maxPrice, price);
    }

    String summary(long term) {
      return String.format(java.util.Locale.ROOT, "last minute: %d steps (driver term %d), step time mean %.1f ms, max %.1f ms, "
          + "%d trades, price %.2f–%.2f USD/MWh", steps, term, steps == 0 ? 0 : totalMs / steps, maxMs, trades,
          steps == 0 ? 0 : minPrice, steps == 0 ? 0 : maxPrice);
    }
  }

  /** The leadership role of the market's driver. */
  public static final String DRIVER_ROLE = "market-driver";

  private void tick() {
    if (running) {
      return;
    }
    boolean lead = leadership.isLeader();
    long token = leadership.token();
    if (lead != leading || (lead && token != term)) {
      leading = lead;
      needsReset = true;
      term = token;
      env.fence(token);
      minute = new Minute();
      LOG.info(lead ? "this node now drives the market (term " + token + ")" : "another node drives the market");
    }
    if (!lead) {
      return;
    }
    running = true;
    long t0 = System.nanoTime();
    Future<?> reset = needsReset ? env.reset(config.seed()) : Future.succeededFuture();
    reset.compose(v -> {
      needsReset = false;
      return env.step(Map.of());
    }).onComplete(ar -> {
      running = false;
      if (ar.failed()) {
        needsReset = true;
        LOG.warn("market step failed (a new episode starts next tick): {}", ar.cause().getMessage());
        // refused as a deposed driver though this node holds the lease: after a split-brain merge
        // the lease can carry an older token than one the operator saw; take a token above it
        if (ar.cause() instanceof io.agentbus.microgrid.DeposedDriverException deposed && leadership.isLeader()
            && deposed.newestTerm() >= leadership.token()) {
          leadership.raiseTokenAbove(deposed.newestTerm()).onFailure(err -> LOG.info("fencing token not raised: {}", err.getMessage()));
        }
        return;
      }
      StepReport r = env.lastReport();
      latest = ar.result().info().copy().put("stepMillis", (System.nanoTime() - t0) / 1e6);
      // nothing in the node pulls the results channel (the report is on /api/market and pushed to
      // subscribers such as the dashboard's tail): drain it, or its mailbox fills and counts drops
      broker.consume(broker.channels().results(ENV_ID, io.agentbus.microgrid.OperatorAgent.TYPE), "results", ENV_ID, true)
          .onFailure(err -> LOG.debug("results channel not drained: {}", err.getMessage()));
      lastStepMillis = System.currentTimeMillis();
      double cost = r.results().stream().mapToDouble(MicrogridResult::cost).sum();
      double ms = (System.nanoTime() - t0) / 1e6;
      String line = String.format(java.util.Locale.ROOT, "step %4d  price %6.2f USD/MWh  trades %d  total cost %8.2f USD  (%.1f ms)",
          r.step(), r.price(), r.trades().size(), cost, ms);
      if (minute.steps == 0 && minute.startedMillis == 0) {
        LOG.info(line + "  (first step as driver; each step is logged at DEBUG, a summary every minute)");
        minute.startedMillis = System.currentTimeMillis();
      } else {
        LOG.debug(line);
      }
      minute.add(ms, r.trades().size(), r.price());
      if (System.currentTimeMillis() - minute.startedMillis >= SUMMARY_MILLIS) {
        LOG.info(minute.summary(term));
        minute = new Minute();
        minute.startedMillis = System.currentTimeMillis();
      }
    });
  }

  /** @return the latest step report (null before the first), with its duration */
  JsonObject latest() {
    return latest;
  }

  /**
   * @return whether this node currently drives the market: it holds the driver's lease now (read
   *     live, not as of the last step: a node cut off in a minority reports false within one lease
   *     even while a step of its is still waiting on the other side)
   */
  boolean leading() {
    return leadership != null && leadership.isLeader();
  }

  /** @return when the last step completed here (epoch ms), 0 if never */
  long lastStepMillis() {
    return lastStepMillis;
  }
}
