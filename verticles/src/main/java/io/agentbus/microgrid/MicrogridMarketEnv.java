package io.agentbus.microgrid;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.broker.MessageBroker;
import io.agentbus.env.EnvMode;
import io.agentbus.error.ErrorCode;
import io.agentbus.env.MultiAgentEnv;
import io.agentbus.env.StepResult;
import io.agentbus.message.Message;
import io.agentbus.message.MessageType;
import io.agentbus.microgrid.MarketMessages.ResetDone;
import io.agentbus.microgrid.MarketMessages.ResetEnv;
import io.agentbus.microgrid.MarketMessages.RunStep;
import io.agentbus.microgrid.MarketMessages.StepReport;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The multi-microgrid market as a HERON environment. {@link EnvMode#CENTRALIZED}: the models are
 * stepped by direct calls in this process. {@link EnvMode#DISTRIBUTED}: HERON's distributed mode
 * — an {@link OperatorAgent} (a {@link io.agentbus.heron.SystemAgent}) and one
 * {@link MicrogridAgent} per microgrid (a {@link io.agentbus.heron.ProxyAgent} around its grid
 * agent), hosted by the agent runtime wherever the cluster placed them, exchanging the price
 * broadcast, actions, P2P offers and accepts and results on the broker's channels. Both modes
 * publish each step's report on the results channel and give identical trajectories for a seed.
 */
public final class MicrogridMarketEnv implements MultiAgentEnv {

  /** Steps per episode (one day of hours). */
  public static final int EPISODE_LENGTH = 24;

  private final String envId;
  private final EnvMode mode;
  private final List<MicrogridConfig> configs;
  private final MicrogridPolicy policy;
  private final AgentRuntime runtime;
  private final MessageBroker broker;
  private final List<Microgrid> models = new ArrayList<>();
  private int step;
  private long term;
  private StepReport lastReport;

  private MicrogridMarketEnv(String envId, EnvMode mode, List<MicrogridConfig> configs, MicrogridPolicy policy,
                             AgentRuntime runtime, MessageBroker broker) {
    this.envId = envId;
    this.mode = mode;
    this.configs = configs.stream().sorted(Comparator.comparing(MicrogridConfig::id)).collect(Collectors.toList());
    this.policy = policy;
    this.runtime = runtime;
    this.broker = broker;
  }

  /** @return {@code n} microgrids with the default parameters */
  public static List<MicrogridConfig> defaultMicrogrids(int n) {
    List<MicrogridConfig> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(MicrogridConfig.defaults(i));
    }
    return out;
  }

  /** A centralized environment: direct calls, results on {@code broker}. */
  public static MicrogridMarketEnv centralized(String envId, List<MicrogridConfig> microgrids, MicrogridPolicy policy,
                                               MessageBroker broker) {
    return new MicrogridMarketEnv(envId, EnvMode.CENTRALIZED, microgrids, policy, null, broker);
  }

  /**
   * A distributed environment: agents on {@code runtime} (register them with
   * {@link #registerAgents} on every node that should host them), results on {@code broker}.
   */
  public static MicrogridMarketEnv distributed(String envId, List<MicrogridConfig> microgrids, AgentRuntime runtime,
                                               MessageBroker broker) {
    return new MicrogridMarketEnv(envId, EnvMode.DISTRIBUTED, microgrids, null, runtime, broker);
  }

  /**
   * Registers the operator and microgrid agent types on a node.
   *
   * @param runtime the node's runtime
   * @param broker the node's broker (the agents activated here talk on its channels)
   * @param policy how the microgrids act
   * @return completion, once registered cluster-wide
   */
  public static Future<Void> registerAgents(AgentRuntime runtime, MessageBroker broker, MicrogridPolicy policy) {
    return registerOperator(runtime, broker).compose(v -> registerMicrogrids(runtime, broker, policy));
  }

  /**
   * Registers the operator type on a node. Registering it only on the node that drives the
   * environment keeps the operator next to the driver: one network round trip less per step.
   */
  public static Future<Void> registerOperator(AgentRuntime runtime, MessageBroker broker) {
    return runtime.register(OperatorAgent.TYPE, id -> new OperatorAgent(id, broker));
  }

  /** Registers the microgrid type on a node: microgrids are spread over every node that does. */
  public static Future<Void> registerMicrogrids(AgentRuntime runtime, MessageBroker broker, MicrogridPolicy policy) {
    return runtime.register(MicrogridAgent.TYPE, id -> new MicrogridAgent(id, policy, broker));
  }

  @Override
  public EnvMode mode() {
    return mode;
  }

  @Override
  public String envId() {
    return envId;
  }

  /** @return the agent id of this environment's operator */
  public AgentId operator() {
    return new AgentId(OperatorAgent.TYPE, envId);
  }

  /** @return the microgrid ids, sorted */
  public List<String> microgrids() {
    return configs.stream().map(MicrogridConfig::id).collect(Collectors.toList());
  }

  /**
   * Stamps what this environment sends from now on with a driver's fencing token: the operator
   * refuses resets and steps with a term older than the newest it has seen, so a deposed driver
   * (cut off, or resumed after a pause) cannot step the market beside the current one.
   *
   * @param term the token ({@link io.agentbus.cluster.Leadership#token()}); 0 (the default): not fenced
   * @return this
   */
  public MicrogridMarketEnv fence(long term) {
    this.term = term;
    return this;
  }

  /** @return the last step's report, or null */
  public StepReport lastReport() {
    return lastReport;
  }

  @Override
  public Future<Map<String, JsonObject>> reset(long seed) {
    step = 0;
    lastReport = null;
    if (mode == EnvMode.CENTRALIZED) {
      models.clear();
      List<Observation> obs = new ArrayList<>();
      for (MicrogridConfig c : configs) {
        Microgrid m = new Microgrid(c);
        m.reset(seed);
        models.add(m);
        obs.add(m.observe(0, PriceSeries.price(0)));
      }
      return Future.succeededFuture(byMicrogrid(obs));
    }
    return refusalTyped(runtime.send(new ResetEnv(envId, seed, configs, term), operator(), null, ResetDone.class))
        .map(done -> byMicrogrid(done.observations()));
  }

  @Override
  public Future<StepResult> step(Map<String, JsonObject> actions) {
    Map<String, MicrogridAction> imposed = new LinkedHashMap<>();
    if (actions != null) {
      for (Map.Entry<String, JsonObject> a : actions.entrySet()) {
        if (configs.stream().noneMatch(c -> c.id().equals(a.getKey()))) {
          return Future.failedFuture(new IllegalArgumentException("no microgrid '" + a.getKey() + "' in " + envId
              + " (microgrids: " + microgrids() + ")"));
        }
        imposed.put(a.getKey(), MicrogridAction.fromJson(a.getValue()));
      }
    }
    Future<StepReport> report = mode == EnvMode.CENTRALIZED ? Future.succeededFuture(stepCentralized(imposed))
        : refusalTyped(runtime.send(new RunStep(envId, step, imposed, term), operator(), null, StepReport.class));
    return report.compose(r -> {
      step++;
      lastReport = r;
      JsonObject info = JsonObject.mapFrom(r);
      Message m = Message.builder().envId(envId).senderId(OperatorAgent.TYPE).recipientId("results")
          .timestamp(r.step()).type(MessageType.RESULT).payload(info).build();
      return broker.publish(broker.channels().results(envId, OperatorAgent.TYPE), m).map(v -> toStepResult(r, info));
    });
  }

  /**
   * A refusal of this driver's term ({@link ErrorCode#ABORTED} from the operator, wherever it runs)
   * becomes a {@link DeposedDriverException} carrying the operator's newest term, asked for with a
   * typed request rather than read from the error's text; any other failure passes unchanged.
   */
  private <T> Future<T> refusalTyped(Future<T> sent) {
    return sent.recover(err -> ErrorCode.of(err) != ErrorCode.ABORTED ? Future.failedFuture(err)
        : runtime.send(new MarketMessages.TermQuery(envId), operator(), null, MarketMessages.Term.class)
            .transform(ar -> ar.succeeded() && ar.result().term() > term
                ? Future.failedFuture(new DeposedDriverException(term, ar.result().term()))
                : Future.failedFuture(err)));
  }

  private StepReport stepCentralized(Map<String, MicrogridAction> imposed) {
    if (models.isEmpty()) {
      throw new IllegalStateException("environment " + envId + " was not reset");
    }
    double price = PriceSeries.price(step);
    List<Microgrid.Decision> decisions = new ArrayList<>();
    List<Market.Order> orders = new ArrayList<>();
    for (Microgrid m : models) {
      Observation obs = m.observe(step, price);
      MicrogridAction a = imposed.getOrDefault(m.config().id(), policy.act(m.config(), obs));
      Microgrid.Decision d = m.decide(obs, a);
      decisions.add(d);
      Market.Order o = Market.order(m.config().id(), d.netDemand());
      if (o != null) {
        orders.add(o);
      }
    }
    List<Market.Trade> trades = Market.clear(orders);
    List<MicrogridResult> results = new ArrayList<>();
    for (int i = 0; i < models.size(); i++) {
      String id = models.get(i).config().id();
      results.add(models.get(i).settle(decisions.get(i), trades.stream()
          .filter(t -> t.buyer().equals(id) || t.seller().equals(id)).collect(Collectors.toList())));
    }
    return new StepReport(step, price, decisions.stream().map(Microgrid.Decision::action).collect(Collectors.toList()),
        trades, results, decisions.stream().map(Microgrid.Decision::observation).collect(Collectors.toList()));
  }

  private StepResult toStepResult(StepReport r, JsonObject info) {
    Map<String, JsonObject> obs = new LinkedHashMap<>();
    Map<String, Double> rewards = new LinkedHashMap<>();
    for (MicrogridResult res : r.results()) {
      rewards.put(res.microgrid(), -res.cost());
    }
    for (int i = 0; i < r.observations().size(); i++) {
      obs.put(r.results().get(i).microgrid(), r.observations().get(i).toJson());
    }
    return new StepResult(r.step(), obs, rewards, (r.step() + 1) % EPISODE_LENGTH == 0, info);
  }

  private Map<String, JsonObject> byMicrogrid(List<Observation> observations) {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    for (int i = 0; i < observations.size(); i++) {
      out.put(configs.get(i).id(), observations.get(i).toJson());
    }
    return out;
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
