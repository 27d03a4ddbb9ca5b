package io.agentbus.microgrid;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.Handlers;
import io.agentbus.broker.MessageBroker;
import io.agentbus.heron.SystemAgent;
import io.agentbus.microgrid.GridMessages.IndexedTrade;
import io.agentbus.microgrid.MarketMessages.Observed;
import io.agentbus.microgrid.MarketMessages.Phase;
import io.agentbus.microgrid.MarketMessages.PhaseDone;
import io.agentbus.microgrid.MarketMessages.ResetDone;
import io.agentbus.microgrid.MarketMessages.ResetEnv;
import io.agentbus.microgrid.MarketMessages.ResetMicrogrid;
import io.agentbus.microgrid.MarketMessages.RunStep;
import io.agentbus.microgrid.MarketMessages.StepPhase;
import io.agentbus.microgrid.MarketMessages.StepReport;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The distribution system operator of one environment, on the HERON layer: a {@link SystemAgent}
 * whose subordinates are the environment's microgrids (each a {@link MicrogridAgent} proxy),
 * hosted by the agent runtime. One step, as HERON's distributed-mode example describes it:
 * <ol>
 *   <li>it broadcasts the price signal and sends any imposed set-points down the action channels;</li>
 *   <li>it steps every proxy ({@link Phase#DECIDE}); their decisions, bids and offers come up the
 *   info channels;</li>
 *   <li>it clears the P2P market with HERON's rule and sends each seller its trades;</li>
 *   <li>it steps every proxy again ({@link Phase#TRADE}): offers go seller → buyer and accepts
 *   buyer → seller on their peer inboxes, each settles; every settled result comes up the info
 *   channels, checked against the clearing.</li>
 * </ol>
 * The phases are runtime requests (the clock, with a timeout and the runtime's routing to wherever
 * a microgrid lives now); everything a step decides travels on the broker's channels. One
 * operator per environment (key = env id).
 */
public final class OperatorAgent extends SystemAgent {

  /** The agent type, and the operator's HERON id in its environment. */
  public static final String TYPE = "system_operator";

  private final MessageBroker broker;
  private boolean reset;
  /** The newest driver term seen: older ones are refused. */
  private long term;

  /**
   * @param id its runtime id ({@code system_operator/<env>})
   * @param broker the channels it talks on
   */
  public OperatorAgent(AgentId id, MessageBroker broker) {
    super(TYPE, id.key(), List.of());
    this.broker = broker;
  }

  /** @return the microgrid agent of {@code microgrid} in {@code envId} */
  public static AgentId microgridAgent(String envId, String microgrid) {
    return new AgentId(MicrogridAgent.TYPE, envId + "." + microgrid);
  }

  @Override
  public Future<Void> onStart() {
    return setMessageBroker(broker);
  }

  @Override
  public Handlers handlers() {
    return Handlers.builder()
        .onRequestAsync(ResetEnv.class, (r, ctx) -> reset(r))
        .onRequestAsync(RunStep.class, (s, ctx) -> step(s))
        .onRequest(MarketMessages.TermQuery.class, (q, ctx) -> new MarketMessages.Term(term))
        .build();
  }

  /** Refuses a driver whose term is older than the newest seen (a deposed leader); remembers a newer one. */
  private void fence(long t) {
    if (t < term) {
      throw new DeposedDriverException(t, term);
    }
    term = t;
  }

  private Future<ResetDone> reset(ResetEnv r) {
    fence(r.term());
    if (!r.envId().equals(envId())) {
      return Future.failedFuture(new IllegalArgumentException("the operator of " + envId() + " cannot reset " + r.envId()));
    }
    List<String> ids = r.microgrids().stream().map(MicrogridConfig::id).sorted().collect(Collectors.toList());
    return setSubordinates(ids).compose(v -> retractBroadcasts()).compose(v -> {
      reset = true;
      List<Future<Observed>> all = new ArrayList<>();
      for (MicrogridConfig c : r.microgrids()) {
        all.add(send(new ResetMicrogrid(c, r.seed()), microgridAgent(envId(), c.id()), Observed.class));
      }
      // what an earlier episode (or a failed attempt) left up the info channels is dropped, once the
      // microgrids (activated by their reset) have created those channels where they run
      return Future.all(all).compose(w -> receiveSubordinateInfo()).map(w -> new ResetDone(all.stream()
          .map(f -> f.result().observation()).collect(Collectors.toList())));
    });
  }

  private Future<StepReport> step(RunStep s) {
    fence(s.term());
    if (!reset) {
      return Future.failedFuture(new IllegalStateException("environment " + s.envId() + " was not reset"));
    }
    int step = s.step();
    double price = PriceSeries.price(step);
    setTimestamp(step);
    List<Future<Void>> signals = new ArrayList<>();
    signals.add(broadcast(GridMessages.price(step, price)));
    if (s.actions() != null) {
      s.actions().forEach((mg, a) -> signals.add(subordinateIds().contains(mg)
          ? sendActionToSubordinate(mg, GridMessages.imposed(step, a))
          : Future.failedFuture(new IllegalArgumentException("no microgrid '" + mg + "' in " + envId()))));
    }
    return Future.all(signals)
        .compose(v -> phase(step, Phase.DECIDE, subordinateIds(), Map.of()))
        .compose(v -> retractBroadcasts())
        .compose(v -> receiveSubordinateInfo())
        .compose(info -> {
          List<JsonObject> decisions = new ArrayList<>();
          List<Market.Order> orders = new ArrayList<>();
          for (String mg : subordinateIds()) {
            JsonObject d = newest(info.get(mg), GridMessages.ACTION, step);
            if (d == null) {
              return Future.failedFuture(new IllegalStateException("microgrid " + mg + " reported no decision for step " + step));
            }
            decisions.add(d);
            Market.Order o = GridMessages.orderOf(d);
            if (o != null) {
              orders.add(o);
            }
          }
          List<Market.Trade> trades = Market.clear(orders);
          return trade(step, trades).map(results -> new StepReport(step, price,
              decisions.stream().map(MicrogridAction::fromJson).collect(Collectors.toList()), trades, results,
              decisions.stream().map(d -> GridMessages.observationOf(d.getJsonObject("observation")))
                  .collect(Collectors.toList())));
        });
  }

  /**
   * Sends each seller its trades, steps every microgrid through {@link Phase#TRADE} (offers and
   * accepts go between them), and collects every settled result in microgrid order, checking that
   * each settled exactly the P2P energy the clearing gave it.
   */
  private Future<List<MicrogridResult>> trade(int step, List<Market.Trade> trades) {
    Map<String, List<IndexedTrade>> sold = new HashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    Map<String, Double> p2p = new HashMap<>();
    for (int i = 0; i < trades.size(); i++) {
      IndexedTrade t = new IndexedTrade(i, trades.get(i));
      sold.computeIfAbsent(t.trade().seller(), k -> new ArrayList<>()).add(t);
      counts.merge(t.trade().seller(), 1, Integer::sum);
      counts.merge(t.trade().buyer(), 1, Integer::sum);
      p2p.merge(t.trade().buyer(), t.trade().quantity(), Double::sum);
      p2p.merge(t.trade().seller(), -t.trade().quantity(), Double::sum);
    }
    List<Future<Void>> sent = new ArrayList<>();
    sold.forEach((mg, ts) -> sent.add(sendActionToSubordinate(mg, GridMessages.trades(step, ts))));
    return Future.all(sent)
        .compose(v -> phase(step, Phase.TRADE, subordinateIds(), counts))
        .compose(v -> receiveSubordinateInfo())
        .compose(info -> {
          List<MicrogridResult> results = new ArrayList<>();
          for (String mg : subordinateIds()) {
            JsonObject r = newest(info.get(mg), GridMessages.RESULT, step);
            if (r == null) {
              return Future.failedFuture(new IllegalStateException("microgrid " + mg + " reported no result for step " + step));
            }
            MicrogridResult result = GridMessages.resultOf(r);
            double cleared = Microgrid.round(p2p.getOrDefault(mg, 0.0));
            if (Math.abs(result.p2p() - cleared) > 1e-9) {
              return Future.failedFuture(new IllegalStateException("microgrid " + mg + " settled " + result.p2p()
                  + " MWh P2P in step " + step + " but the clearing gave it " + cleared));
            }
            results.add(result);
          }
          return Future.succeededFuture(results);
        });
  }

  /** Steps {@code microgrids} through one phase, all at once; completes when every one is done. */
  private Future<Void> phase(int step, Phase phase, List<String> microgrids, Map<String, Integer> trades) {
    List<Future<PhaseDone>> done = new ArrayList<>(microgrids.size());
    for (String mg : microgrids) {
      done.add(send(new StepPhase(step, phase, trades.getOrDefault(mg, 0)), microgridAgent(envId(), mg), PhaseDone.class));
    }
    return Future.all(done).mapEmpty();
  }

  /** @return the newest message of {@code type} for {@code step} among a subordinate's info, or null */
  private static JsonObject newest(List<JsonObject> info, String type, int step) {
    JsonObject found = null;
    if (info != null) {
      for (JsonObject j : info) {
        if (GridMessages.is(j, type, step)) {
          found = j;
        }
      }
    }
    return found;
  }

  @Override
  public JsonObject saveState() {
    return !reset ? null : new JsonObject().put("microgrids", new JsonArray(subordinateIds())).put("term", term);
  }

  @Override
  public void loadState(JsonObject state) {
    List<String> ids = state.getJsonArray("microgrids").stream().map(String::valueOf).collect(Collectors.toList());
    setSubordinates(ids); // no broker yet: onStart's setMessageBroker creates their channels
    reset = true;
    term = state.getLong("term", 0L);
  }
}
