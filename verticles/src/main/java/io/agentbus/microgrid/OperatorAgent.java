package io.agentbus.microgrid;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.Handlers;
import io.agentbus.microgrid.MarketMessages.Decided;
import io.agentbus.microgrid.MarketMessages.Observed;
import io.agentbus.microgrid.MarketMessages.PriceSignal;
import io.agentbus.microgrid.MarketMessages.ResetDone;
import io.agentbus.microgrid.MarketMessages.ResetEnv;
import io.agentbus.microgrid.MarketMessages.ResetMicrogrid;
import io.agentbus.microgrid.MarketMessages.RunStep;
import io.agentbus.microgrid.MarketMessages.Settled;
import io.agentbus.microgrid.MarketMessages.StepReport;
import io.agentbus.microgrid.MarketMessages.TradeConfirmations;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The distribution system operator of one environment: broadcasts the price signal to every
 * microgrid, collects their bids and offers, clears the P2P market with HERON's rule, confirms the
 * trades and collects the settled results. One per environment (key = env id).
 */
public final class OperatorAgent extends Agent {

  /** The agent type. */
  public static final String TYPE = "system_operator";

  private String envId;
  private List<String> microgrids = List.of();
  /** The newest driver term seen: older ones are refused. */
  private long term;

  /** @return the microgrid agent of {@code microgrid} in {@code envId} */
  public static AgentId microgridAgent(String envId, String microgrid) {
    return new AgentId(MicrogridAgent.TYPE, envId + "." + microgrid);
  }

  @Override
  public Handlers handlers() {
    return Handlers.builder()
        .onRequestAsync(ResetEnv.class, (r, ctx) -> reset(r))
        .onRequestAsync(RunStep.class, (s, ctx) -> step(s))
        .build();
  }

  private static final java.util.regex.Pattern NEWER_TERM = java.util.regex.Pattern.compile("is older than term (\\d+)");

  /**
   * @return the term a refusal of this agent names as the newest it has seen, if {@code error} is
   *     such a refusal (the driver then raises its own above it)
   */
  public static java.util.OptionalLong newerTermIn(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      java.util.regex.Matcher m = t.getMessage() == null ? null : NEWER_TERM.matcher(t.getMessage());
      if (m != null && m.find()) {
        return java.util.OptionalLong.of(Long.parseLong(m.group(1)));
      }
    }
    return java.util.OptionalLong.empty();
  }

  /** Refuses a driver whose term is older than the newest seen (a deposed leader); remembers a newer one. */
  private void fence(long t) {
    if (t < term) {
      throw new IllegalStateException("refused: driver term " + t + " is older than term " + term
          + " (another node leads the market now)");
    }
    term = t;
  }

  private Future<ResetDone> reset(ResetEnv r) {
    fence(r.term());
    envId = r.envId();
    microgrids = r.microgrids().stream().map(MicrogridConfig::id).sorted().collect(Collectors.toList());
    List<Future<Observed>> all = new ArrayList<>();
    for (MicrogridConfig c : r.microgrids()) {
      all.add(send(new ResetMicrogrid(c, r.seed()), microgridAgent(envId, c.id()), Observed.class));
    }
    return Future.all(all).map(v -> new ResetDone(all.stream().map(f -> f.result().observation())
        .collect(Collectors.toList())));
  }

  private Future<StepReport> step(RunStep s) {
    fence(s.term());
    if (envId == null) {
      return Future.failedFuture(new IllegalStateException("environment " + s.envId() + " was not reset"));
    }
    double price = PriceSeries.price(s.step());
    List<Future<Decided>> decided = new ArrayList<>();
    for (String mg : microgrids) {
      MicrogridAction imposed = s.actions() == null ? null : s.actions().get(mg);
      decided.add(send(new PriceSignal(s.step(), price, imposed), microgridAgent(envId, mg), Decided.class));
    }
    return Future.all(decided).compose(v -> {
      List<Decided> ds = decided.stream().map(Future::result).collect(Collectors.toList());
      List<Market.Order> orders = new ArrayList<>();
      ds.forEach(d -> {
        if (d.order() != null) {
          orders.add(d.order());
        }
      });
      List<Market.Trade> trades = Market.clear(orders);
      List<Future<Settled>> settled = new ArrayList<>();
      for (String mg : microgrids) {
        List<Market.Trade> mine = trades.stream().filter(t -> t.buyer().equals(mg) || t.seller().equals(mg))
            .collect(Collectors.toList());
        settled.add(send(new TradeConfirmations(s.step(), mine), microgridAgent(envId, mg), Settled.class));
      }
      return Future.all(settled).map(w -> new StepReport(s.step(), price,
          ds.stream().map(Decided::action).collect(Collectors.toList()), trades,
          settled.stream().map(f -> f.result().result()).collect(Collectors.toList()),
          ds.stream().map(Decided::observation).collect(Collectors.toList())));
    });
  }

  @Override
  public JsonObject saveState() {
    return envId == null ? null : new JsonObject().put("envId", envId).put("microgrids", new io.vertx.core.json.JsonArray(microgrids))
        .put("term", term);
  }

  @Override
  public void loadState(JsonObject state) {
    envId = state.getString("envId");
    microgrids = state.getJsonArray("microgrids").stream().map(String::valueOf).collect(Collectors.toList());
    term = state.getLong("term", 0L);
  }
}
