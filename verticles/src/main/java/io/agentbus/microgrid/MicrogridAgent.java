package io.agentbus.microgrid;

import io.agentbus.agent.Agent;
import io.agentbus.agent.Handlers;
import io.agentbus.microgrid.MarketMessages.Decided;
import io.agentbus.microgrid.MarketMessages.Observed;
import io.agentbus.microgrid.MarketMessages.PriceSignal;
import io.agentbus.microgrid.MarketMessages.ResetMicrogrid;
import io.agentbus.microgrid.MarketMessages.Settled;
import io.agentbus.microgrid.MarketMessages.TradeConfirmations;
import io.vertx.core.json.JsonObject;

/**
 * A microgrid as an agent (HERON's proxy around the actual grid agent): receives the price signal,
 * decides with its policy, bids or offers, settles the confirmed trades. Its state of charge moves
 * with it when it is re-activated on another node.
 */
public final class MicrogridAgent extends Agent {

  /** The agent type. */
  public static final String TYPE = "microgrid";

  private final MicrogridPolicy policy;
  private Microgrid grid;
  private Microgrid.Decision pending;

  /** @param policy how it acts */
  public MicrogridAgent(MicrogridPolicy policy) {
    this.policy = policy;
  }

  @Override
  public Handlers handlers() {
    return Handlers.builder()
        .onRequest(ResetMicrogrid.class, (r, ctx) -> {
          grid = new Microgrid(r.config());
          grid.reset(r.seed());
          pending = null;
          return new Observed(grid.observe(0, PriceSeries.price(0)));
        })
        .onRequest(PriceSignal.class, (p, ctx) -> {
          Observation obs = requireGrid().observe(p.step(), p.price());
          MicrogridAction action = p.action() != null ? p.action() : policy.act(grid.config(), obs);
          pending = grid.decide(obs, action);
          return new Decided(grid.config().id(), pending.action(), obs, Market.order(grid.config().id(), pending.netDemand()));
        })
        .onRequest(TradeConfirmations.class, (c, ctx) -> {
          if (pending == null || pending.observation().step() != c.step()) {
            throw new IllegalStateException("no decision pending for step " + c.step());
          }
          MicrogridResult r = grid.settle(pending, c.trades());
          pending = null;
          return new Settled(r);
        })
        .build();
  }

  private Microgrid requireGrid() {
    if (grid == null) {
      throw new IllegalStateException("microgrid " + id() + " was not reset");
    }
    return grid;
  }

  @Override
  public JsonObject saveState() {
    // the pending decision travels too, so a move between price signal and confirmations is harmless
    return grid == null ? null : new JsonObject().put("config", grid.config().toJson()).put("seed", grid.seed())
        .put("soc", grid.soc()).put("pending", pending == null ? null : JsonObject.mapFrom(pending));
  }

  @Override
  public void loadState(JsonObject state) {
    grid = new Microgrid(MicrogridConfig.fromJson(state.getJsonObject("config")));
    grid.restore(state.getLong("seed"), state.getDouble("soc"));
    JsonObject p = state.getJsonObject("pending");
    pending = p == null ? null : p.mapTo(Microgrid.Decision.class);
  }
}
