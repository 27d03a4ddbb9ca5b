package io.agentbus.microgrid;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.broker.BrokerOptions;
import io.agentbus.broker.MessageBroker;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.env.StepResult;
import io.agentbus.message.Message;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.test.fakecluster.FakeClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.agentbus.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Centralized and distributed runs of the market give identical trajectories. */
class MicrogridMarketEnvTest {

  private final List<Node> nodes = new ArrayList<>();
  private final List<AgentRuntime> runtimes = new ArrayList<>();
  private final List<Vertx> vertxes = new ArrayList<>();

  @AfterEach
  void tearDown() {
    runtimes.forEach(r -> await(r.close()));
    brokers.values().forEach(b -> await(b.close()));
    nodes.forEach(n -> await(n.close()));
    vertxes.forEach(v -> await(v.close()));
    FakeClusterManager.reset();
  }

  static List<JsonObject> run(MicrogridMarketEnv env, long seed, int steps, Map<Integer, Map<String, JsonObject>> imposed) {
    List<JsonObject> trajectory = new ArrayList<>();
    trajectory.add(new JsonObject(new java.util.LinkedHashMap<>(await(env.reset(seed)))));
    for (int s = 0; s < steps; s++) {
      StepResult r = await(env.step(imposed.getOrDefault(s, Map.of())));
      trajectory.add(r.info());
    }
    return trajectory;
  }

  /** One broker per node, shared by its agents and the environment driven from it. */
  private final Map<Node, MessageBroker> brokers = new java.util.HashMap<>();

  private MessageBroker brokerOf(Node node) {
    MessageBroker b = brokers.get(node);
    if (b == null) {
      b = await(MessageBroker.eventBus(node.vertx(), new BrokerOptions()));
      brokers.put(node, b);
    }
    return b;
  }

  private AgentRuntime runtimeOn(Node node) {
    AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
    await(MicrogridMarketEnv.registerAgents(rt, brokerOf(node), MicrogridPolicy.ruleBased()));
    runtimes.add(rt);
    return rt;
  }

  @Test
  void distributedOnOneNodeEqualsCentralized() {
    Node node = await(Node.start(new NodeOptions()));
    nodes.add(node);
    AgentRuntime rt = runtimeOn(node);
    MessageBroker bus = brokerOf(node);
    Map<Integer, Map<String, JsonObject>> imposed = Map.of(5, Map.of("mg2", new MicrogridAction(5.0, -0.5).toJson()));
    List<JsonObject> central = run(MicrogridMarketEnv.centralized("env_c", MicrogridMarketEnv.defaultMicrogrids(3),
        MicrogridPolicy.ruleBased(), MessageBroker.inMemory()), 42, 48, imposed);
    List<JsonObject> distributed = run(MicrogridMarketEnv.distributed("env_c", MicrogridMarketEnv.defaultMicrogrids(3),
        rt, bus), 42, 48, imposed);
    assertThat(distributed).isEqualTo(central);
    // something actually happens: trades, both directions of grid exchange, balanced power
    assertThat(central.stream().skip(1).mapToInt(j -> j.getJsonArray("trades").size()).sum()).isPositive();
    for (JsonObject step : central.subList(1, central.size())) {
      step.getJsonArray("results").forEach(r -> assertThat(((JsonObject) r).getDouble("balanceError")).isEqualTo(0.0));
    }
    // the imposed action of step 5 replaced mg2's policy, clamped to its 2.0 MW generator
    assertThat(central.get(6).getJsonArray("actions").getJsonObject(1).getDouble("pGen")).isEqualTo(2.0);
    // a different seed gives a different trajectory
    List<JsonObject> other = run(MicrogridMarketEnv.centralized("env_c", MicrogridMarketEnv.defaultMicrogrids(3),
        MicrogridPolicy.ruleBased(), MessageBroker.inMemory()), 43, 5, Map.of());
    assertThat(other.get(1)).isNotEqualTo(central.get(1));
  }

  @Test
  void theOperatorRefusesADeposedDriversTerm() {
    Node node = await(Node.start(new NodeOptions()));
    nodes.add(node);
    AgentRuntime rt = runtimeOn(node);
    MessageBroker bus = brokerOf(node);
    MicrogridMarketEnv current = MicrogridMarketEnv.distributed("env_f", MicrogridMarketEnv.defaultMicrogrids(2), rt, bus).fence(7);
    MicrogridMarketEnv deposed = MicrogridMarketEnv.distributed("env_f", MicrogridMarketEnv.defaultMicrogrids(2), rt, bus).fence(6);
    await(current.reset(1));
    await(current.step(Map.of()));
    assertThat(io.agentbus.testing.Await.awaitFailure(deposed.step(Map.of())))
        .hasMessageContaining("driver term 6 is older than term 7");
    assertThat(io.agentbus.testing.Await.awaitFailure(deposed.reset(1))).hasMessageContaining("older than term 7");
    // the current driver is unaffected, and a newer one supersedes it
    assertThat(await(current.step(Map.of())).step()).isEqualTo(1);
    MicrogridMarketEnv next = MicrogridMarketEnv.distributed("env_f", MicrogridMarketEnv.defaultMicrogrids(2), rt, bus).fence(8);
    await(next.reset(1));
    assertThat(io.agentbus.testing.Await.awaitFailure(current.step(Map.of()))).hasMessageContaining("driver term 7");
  }

  @Test
  void resultsArePublishedOnTheResultsChannel() {
    MessageBroker broker = MessageBroker.inMemory();
    MicrogridMarketEnv env = MicrogridMarketEnv.centralized("env_r", MicrogridMarketEnv.defaultMicrogrids(3),
        MicrogridPolicy.ruleBased(), broker);
    await(broker.createChannel(broker.channels().results("env_r", OperatorAgent.TYPE)));
    run(env, 1, 3, Map.of());
    List<Message> results = await(broker.consume(broker.channels().results("env_r", OperatorAgent.TYPE), "results", "env_r"));
    assertThat(results).hasSize(3);
    assertThat(results.get(2).payload().getInteger("step")).isEqualTo(2);
  }

  @Test
  void distributedOverTwoClusteredNodesEqualsCentralizedAndSpreadsTheMicrogrids() {
    for (int i = 0; i < 2; i++) {
      Vertx v = await(Vertx.builder().withClusterManager(new FakeClusterManager()).buildClustered());
      vertxes.add(v);
      Node n = await(Node.attach(v, new NodeOptions().setNodeName("n" + i)));
      nodes.add(n);
      runtimeOn(n);
    }
    io.agentbus.testing.Await.until("2 members", java.time.Duration.ofSeconds(10),
        () -> nodes.get(0).knownMembers().size() == 2);
    // an env id whose microgrids land on both nodes (placement is deterministic for given node ids)
    String envId = null;
    for (int k = 0; envId == null; k++) {
      Set<String> owners = new HashSet<>();
      for (String mg : List.of("mg1", "mg2", "mg3")) {
        owners.add(runtimes.get(0).ownerOf(OperatorAgent.microgridAgent("env_" + k, mg)));
      }
      if (owners.size() == 2) {
        envId = "env_" + k;
      }
    }
    MessageBroker bus = brokerOf(nodes.get(0));
    List<JsonObject> central = run(MicrogridMarketEnv.centralized(envId, MicrogridMarketEnv.defaultMicrogrids(3),
        MicrogridPolicy.ruleBased(), MessageBroker.inMemory()), 7, 30, Map.of());
    List<JsonObject> distributed = run(MicrogridMarketEnv.distributed(envId, MicrogridMarketEnv.defaultMicrogrids(3),
        runtimes.get(1), bus), 7, 30, Map.of());
    assertThat(distributed).isEqualTo(central);
    Set<AgentId> hosted0 = runtimes.get(0).localAgents();
    Set<AgentId> hosted1 = runtimes.get(1).localAgents();
    assertThat(hosted0.stream().filter(a -> a.type().equals(MicrogridAgent.TYPE))).isNotEmpty();
    assertThat(hosted1.stream().filter(a -> a.type().equals(MicrogridAgent.TYPE))).isNotEmpty();
  }

  @Test
  void vectorizedEnvironmentsAreIsolatedAndResetIndependently() {
    Node node = await(Node.start(new NodeOptions()));
    nodes.add(node);
    AgentRuntime rt = runtimeOn(node);
    MessageBroker bus = brokerOf(node);
    List<MicrogridMarketEnv> envs = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      MicrogridMarketEnv e = MicrogridMarketEnv.distributed("vec_" + k, MicrogridMarketEnv.defaultMicrogrids(3), rt, bus);
      await(e.reset(100 + k));
      envs.add(e);
    }
    List<JsonObject> envZero = new ArrayList<>();
    for (int s = 0; s < 10; s++) {
      for (MicrogridMarketEnv e : envs) {
        StepResult r = await(e.step(Map.of()));
        if (e == envs.get(0)) {
          envZero.add(r.info());
        }
      }
      if (s == 4) {
        await(envs.get(1).reset(999));
      }
    }
    // env 0 is unaffected by env 1's reset: it equals an uninterrupted centralized run
    List<JsonObject> reference = run(MicrogridMarketEnv.centralized("vec_0", MicrogridMarketEnv.defaultMicrogrids(3),
        MicrogridPolicy.ruleBased(), MessageBroker.inMemory()), 100, 10, Map.of());
    assertThat(envZero).isEqualTo(reference.subList(1, 11));
    // env 1 restarted at step 0 with its new seed
    assertThat(envs.get(1).lastReport().step()).isEqualTo(4);
  }

  @Test
  void aNodeJoiningMidEpisodeTakesOverMicrogridsWithTheirState() {
    for (int i = 0; i < 2; i++) {
      Vertx v = await(Vertx.builder().withClusterManager(new FakeClusterManager()).buildClustered());
      vertxes.add(v);
      nodes.add(await(Node.attach(v, new NodeOptions().setNodeName("n" + i))));
    }
    io.agentbus.testing.Await.until("2 members", java.time.Duration.ofSeconds(10),
        () -> nodes.get(0).knownMembers().size() == 2);
    AgentRuntime first = runtimeOn(nodes.get(0));
    AgentRuntime second = await(AgentRuntime.create(nodes.get(1), new AgentRuntimeOptions()));
    runtimes.add(second);
    // an env id some of whose microgrids will belong to the second node once it registers the types
    List<String> both = List.of(nodes.get(0).id(), nodes.get(1).id());
    String envId = null;
    for (int k = 0; envId == null; k++) {
      for (String mg : List.of("mg1", "mg2", "mg3")) {
        if (io.agentbus.agent.Placement.owner(OperatorAgent.microgridAgent("join_" + k, mg), both)
            .equals(nodes.get(1).id())) {
          envId = "join_" + k;
        }
      }
    }
    MessageBroker bus = brokerOf(nodes.get(0));
    MicrogridMarketEnv env = MicrogridMarketEnv.distributed(envId, MicrogridMarketEnv.defaultMicrogrids(3), first, bus);
    List<JsonObject> trajectory = new ArrayList<>();
    trajectory.add(new JsonObject(new java.util.LinkedHashMap<>(await(env.reset(11)))));
    for (int s = 0; s < 30; s++) {
      if (s == 10) {
        await(MicrogridMarketEnv.registerAgents(second, brokerOf(nodes.get(1)), MicrogridPolicy.ruleBased()));
      }
      trajectory.add(await(env.step(Map.of())).info());
    }
    List<JsonObject> central = run(MicrogridMarketEnv.centralized(envId, MicrogridMarketEnv.defaultMicrogrids(3),
        MicrogridPolicy.ruleBased(), MessageBroker.inMemory()), 11, 30, Map.of());
    assertThat(trajectory).isEqualTo(central);
    assertThat(second.localAgents().stream().filter(a -> a.type().equals(MicrogridAgent.TYPE))).isNotEmpty();
    // the first node let go of what it no longer owns
    for (AgentId a : first.localAgents()) {
      assertThat(first.ownerOf(a)).isEqualTo(nodes.get(0).id());
    }
  }

  @Test
  void theDefaultMarketTradesPeerToPeerInMostHoursOfTheDay() {
    // the demo is about the P2P market: with the default microgrids and price series, most steps trade
    for (long seed : new long[] {42, 7, 2024}) {
      List<JsonObject> day = run(MicrogridMarketEnv.centralized("env_day", MicrogridMarketEnv.defaultMicrogrids(3),
          MicrogridPolicy.ruleBased(), MessageBroker.inMemory()), seed, 48, Map.of());
      long trading = day.stream().skip(1).filter(j -> !j.getJsonArray("trades").isEmpty()).count();
      assertThat(trading).as("steps with P2P trades among 48, seed " + seed).isGreaterThan(24);
    }
  }

  @Test
  void aDriverRefusedForAnOlderTermLearnsTheNewerOne() {
    Node node = await(Node.start(new NodeOptions()));
    nodes.add(node);
    AgentRuntime rt = runtimeOn(node);
    MessageBroker bus = brokerOf(node);
    MicrogridMarketEnv newer = MicrogridMarketEnv.distributed("env_t", MicrogridMarketEnv.defaultMicrogrids(3), rt, bus).fence(5);
    await(newer.reset(1));
    MicrogridMarketEnv older = MicrogridMarketEnv.distributed("env_t", MicrogridMarketEnv.defaultMicrogrids(3), rt, bus).fence(3);
    Throwable refused = io.agentbus.testing.Await.awaitFailure(older.reset(1));
    // the refusal is typed, with the operator's newest term: the market driver raises its lease above it
    assertThat(refused).isInstanceOfSatisfying(DeposedDriverException.class, d -> {
      assertThat(d.term()).isEqualTo(3);
      assertThat(d.newestTerm()).isEqualTo(5);
      assertThat(d.code()).isEqualTo(io.agentbus.error.ErrorCode.ABORTED);
    });
    // other failures are not mistaken for a refusal
    assertThat(io.agentbus.testing.Await.awaitFailure(newer.step(Map.of("nope", new JsonObject()))))
        .isNotInstanceOf(DeposedDriverException.class);
    await(older.fence(6).reset(1));  // a term above the newest is accepted
  }

  /**
   * The distributed mode is HERON's: the price is a broadcast, decisions and results go up info
   * channels, trades down action channels, and offers and accepts go microgrid to microgrid on
   * their peer inboxes; after each step every one of those channels is empty again.
   */
  @Test
  void distributedStepsTalkHeronOnTheBrokersChannels() {
    Node node = await(Node.start(new NodeOptions()));
    nodes.add(node);
    AgentRuntime rt = runtimeOn(node);
    MessageBroker bus = brokerOf(node);
    MicrogridMarketEnv env = MicrogridMarketEnv.distributed("env_h", MicrogridMarketEnv.defaultMicrogrids(3), rt, bus);
    List<JsonObject> p2p = java.util.Collections.synchronizedList(new ArrayList<>());
    List<JsonObject> prices = java.util.Collections.synchronizedList(new ArrayList<>());
    for (String mg : env.microgrids()) {
      await(bus.subscribe(bus.channels().peer(mg, "env_h"), m -> p2p.add(m.payload().copy()
          .put("from", m.senderId()).put("to", m.recipientId()))));
    }
    await(bus.subscribe(bus.channels().broadcast(OperatorAgent.TYPE, "env_h"), m -> prices.add(m.payload())));
    await(env.reset(42));
    int trades = 0;
    for (int s = 0; s < 24; s++) {
      StepResult r = await(env.step(Map.of()));
      JsonArray cleared = r.info().getJsonArray("trades");
      trades += cleared.size();
      int step = s;
      // subscribers are pushed each message after its publish was acknowledged: wait for this step's
      io.agentbus.testing.Await.until("the P2P messages of step " + s, java.time.Duration.ofSeconds(5),
          () -> snapshot(p2p).stream().filter(m -> m.getInteger("step") == step).count() == 2L * cleared.size());
      List<JsonObject> seen = snapshot(p2p);
      for (Object o : cleared) {
        JsonObject t = (JsonObject) o;
        // each cleared trade was offered by its seller to its buyer and accepted back, P2P
        assertThat(seen).anySatisfy(m -> assertThat(m).contains(Map.entry("type", "offer"), Map.entry("step", step),
            Map.entry("from", t.getString("seller")), Map.entry("to", t.getString("buyer")),
            Map.entry("quantity", t.getDouble("quantity"))));
        assertThat(seen).anySatisfy(m -> assertThat(m).contains(Map.entry("type", "accept"), Map.entry("step", step),
            Map.entry("from", t.getString("buyer")), Map.entry("to", t.getString("seller"))));
      }
      // nothing is left behind on the hierarchy's channels
      for (io.agentbus.channel.Channel ch : await(bus.environmentChannels("env_h"))) {
        if (!ch.kind().equals("results")) {
          assertThat(await(bus.consume(ch, "all", "env_h", false))).as("broadcasts on " + ch).isEmpty();
          for (String who : List.of(OperatorAgent.TYPE, "mg1", "mg2", "mg3")) {
            assertThat(await(bus.consume(ch, who, "env_h", false))).as(ch + " for " + who).isEmpty();
          }
        }
      }
    }
    assertThat(trades).isPositive();
    assertThat(snapshot(p2p).stream().filter(m -> m.getString("type").equals("offer"))).hasSize(trades);
    assertThat(snapshot(p2p).stream().filter(m -> m.getString("type").equals("accept"))).hasSize(trades);
    io.agentbus.testing.Await.until("24 prices", java.time.Duration.ofSeconds(5), () -> snapshot(prices).size() == 24);
    assertThat(snapshot(prices)).hasSize(24).allSatisfy(p -> assertThat(p.getString("type")).isEqualTo("price"));
    assertThat(await(bus.environmentChannels("env_h"))).extracting(io.agentbus.channel.Channel::kind)
        .contains("broadcast", "action", "info", "peer");
  }

  @Test
  void anImposedActionForAnUnknownMicrogridIsRefusedInBothModes() {
    Node node = await(Node.start(new NodeOptions()));
    nodes.add(node);
    AgentRuntime rt = runtimeOn(node);
    MessageBroker bus = brokerOf(node);
    Map<String, JsonObject> bad = Map.of("mg9", new MicrogridAction(1.0, 0.0).toJson());
    MicrogridMarketEnv distributed = MicrogridMarketEnv.distributed("env_u", MicrogridMarketEnv.defaultMicrogrids(2), rt, bus);
    MicrogridMarketEnv central = MicrogridMarketEnv.centralized("env_u", MicrogridMarketEnv.defaultMicrogrids(2),
        MicrogridPolicy.ruleBased(), MessageBroker.inMemory());
    for (MicrogridMarketEnv env : List.of(distributed, central)) {
      await(env.reset(1));
      assertThat(io.agentbus.testing.Await.awaitFailure(env.step(bad))).hasMessageContaining("no microgrid 'mg9'");
      // the refused step changed nothing: the next one is step 0
      assertThat(await(env.step(Map.of())).step()).isZero();
    }
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new MicrogridConfig("a.b", 1, 1, 1, 1, 1, 1, 0.1, 0.9, 0.5, 0.9)))
        .hasMessageContaining("may not contain '.'");
  }

  private static List<JsonObject> snapshot(List<JsonObject> list) {
    synchronized (list) {
      return new ArrayList<>(list);
    }
  }
}
