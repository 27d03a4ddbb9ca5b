package io.agentbus.heron;

import io.agentbus.broker.BrokerOptions;
import io.agentbus.broker.MessageBroker;
import io.agentbus.channel.Channel;
import io.agentbus.channel.Channels;
import io.agentbus.message.Message;
import io.agentbus.message.MessageType;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.test.fakecluster.FakeClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The four usage patterns of HERON's messaging documentation, on every broker: in memory, on the
 * event bus of one JVM, and spread over three clustered Vert.x nodes (agents on different nodes).
 */
class HeronPatternsTest {

  enum Topology { IN_MEMORY, EVENT_BUS, CLUSTER }

  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<MessageBroker> brokers = new ArrayList<>();

  /** Broker {@code i} of the topology (one shared in memory; one per node clustered). */
  private List<MessageBroker> brokers(Topology t, int n) {
    BrokerOptions opts = new BrokerOptions();
    if (t == Topology.IN_MEMORY) {
      MessageBroker b = MessageBroker.inMemory(opts);
      brokers.add(b);
      return Collections.nCopies(n, b);
    }
    if (t == Topology.EVENT_BUS) {
      Vertx v = Vertx.vertx();
      vertxes.add(v);
      MessageBroker b = await(MessageBroker.eventBus(v, opts));
      brokers.add(b);
      return Collections.nCopies(n, b);
    }
    List<MessageBroker> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Vertx v = await(Vertx.builder().withClusterManager(new FakeClusterManager()).buildClustered());
      vertxes.add(v);
      MessageBroker b = await(MessageBroker.eventBus(v, opts));
      brokers.add(b);
      out.add(b);
    }
    return out;
  }

  @AfterEach
  void tearDown() {
    brokers.forEach(b -> await(b.close()));
    vertxes.forEach(v -> await(v.close()));
    FakeClusterManager.reset();
  }

  /** Pattern 1: hierarchical communication with channel helpers and raw messages. */
  @ParameterizedTest
  @EnumSource(Topology.class)
  void hierarchicalCommunication(Topology t) {
    List<MessageBroker> b = brokers(t, 3);
    Channels channels = b.get(0).channels();
    String env = "default";
    // coordinator (broker 0) sends actions; field agents (brokers 1, 2) send info
    for (int i = 1; i <= 2; i++) {
      String field = "field_" + i;
      await(b.get(i).createChannel(channels.action("coordinator_1", field, env)));
      await(b.get(0).publish(channels.action("coordinator_1", field, env),
          Message.of(env, "coordinator_1", field, 1.0, MessageType.ACTION, new JsonObject().put("action", 0.1 * i))));
      await(b.get(i).publish(channels.info(field, "coordinator_1", env),
          Message.of(env, field, "coordinator_1", 1.0, MessageType.INFO, new JsonObject().put("soc", 0.5 + i))));
    }
    // each field pulls its action
    for (int i = 1; i <= 2; i++) {
      List<Message> actions = await(b.get(i).consume(channels.action("coordinator_1", "field_" + i, env), "field_" + i, env));
      assertThat(actions).extracting(m -> m.payload().getDouble("action")).containsExactly(0.1 * i);
    }
    // coordinator receives info from all subordinates
    Map<String, List<JsonObject>> all = new java.util.LinkedHashMap<>();
    for (String sub : List.of("field_1", "field_2")) {
      List<Message> msgs = await(b.get(0).consume(channels.info(sub, "coordinator_1", env), "coordinator_1", env));
      if (!msgs.isEmpty()) {
        all.put(sub, msgs.stream().map(Message::payload).collect(java.util.stream.Collectors.toList()));
      }
    }
    assertThat(all).containsOnlyKeys("field_1", "field_2");
    assertThat(all.get("field_2").get(0).getDouble("soc")).isEqualTo(2.5);
  }

  /** Pattern 2: agent integration with CoordinatorAgent and FieldAgent. */
  @ParameterizedTest
  @EnumSource(Topology.class)
  void agentIntegration(Topology t) {
    List<MessageBroker> b = brokers(t, 4);
    CoordinatorAgent coordinator = new CoordinatorAgent("coord_1", "env_0", null, List.of("field_0", "field_1", "field_2"));
    List<FieldAgent> fields = new ArrayList<>();
    await(coordinator.setMessageBroker(b.get(0)));
    for (int i = 0; i < 3; i++) {
      FieldAgent f = new FieldAgent("field_" + i, "coord_1", "env_0");
      await(f.setMessageBroker(b.get(i + 1)));
      fields.add(f);
    }
    await(coordinator.sendActionToSubordinate("field_0", new JsonObject().put("p_gen", 1.5)));
    await(coordinator.sendActionToSubordinate("field_2", 0.7));
    assertThat(await(fields.get(0).receiveActionMessages())).containsExactly(new JsonObject().put("p_gen", 1.5));
    assertThat(await(fields.get(1).receiveActionMessages())).isEmpty();
    assertThat(await(fields.get(2).receiveActionMessages())).containsExactly(0.7);
    await(fields.get(1).sendInfoToUpstream(new JsonObject().put("load", 3.0)));
    Map<String, List<JsonObject>> info = await(coordinator.receiveSubordinateInfo());
    assertThat(info).containsOnlyKeys("field_1");
    assertThat(info.get("field_1")).containsExactly(new JsonObject().put("load", 3.0));
    assertThat(io.agentbus.testing.Await.awaitFailure(coordinator.sendActionToSubordinate("stranger", 1)))
        .hasMessageContaining("not a subordinate");
  }

  /** Pattern 3: vectorized environments on one broker. */
  @ParameterizedTest
  @EnumSource(Topology.class)
  void vectorizedEnvironments(Topology t) {
    List<MessageBroker> b = brokers(t, 2);
    Channels channels = b.get(0).channels();
    int numEnvs = 4;
    for (int e = 0; e < numEnvs; e++) {
      String env = "env_" + e;
      await(b.get(e % 2).publish(channels.action("coord", "field", env),
          Message.of(env, "coord", "field", 0, MessageType.ACTION, new JsonObject().put("env", e))));
    }
    await(b.get(1).clearEnvironment("env_2"));
    assertThat(await(b.get(0).environmentChannels("env_0"))).containsExactly(channels.action("coord", "field", "env_0"));
    for (int e = 0; e < numEnvs; e++) {
      String env = "env_" + e;
      List<Message> got = await(b.get(1).consume(channels.action("coord", "field", env), "field", env));
      if (e == 2) {
        assertThat(got).isEmpty();
      } else {
        assertThat(got).extracting(m -> m.payload().getInteger("env")).containsExactly(e);
      }
    }
  }

  /** Pattern 4: reactive subscriptions to a broadcast channel. */
  @ParameterizedTest
  @EnumSource(Topology.class)
  void reactiveSubscriptions(Topology t) {
    List<MessageBroker> b = brokers(t, 2);
    Channel broadcast = b.get(0).channels().broadcast("system", "env_0");
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    await(b.get(1).subscribe(broadcast, m -> seen.add(m.senderId() + ":" + m.payload().getDouble("price"))));
    SystemAgent system = new SystemAgent("system", "env_0", List.of("mg1"));
    await(system.setMessageBroker(b.get(0)));
    await(system.broadcast(new JsonObject().put("type", "price_signal").put("price", 55.0)));
    until("the broadcast", Duration.ofSeconds(10), () -> seen.size() == 1);
    assertThat(seen).containsExactly("system:55.0");
  }

  /** HERON example 6: proxies step their grid agents by messages. */
  @ParameterizedTest
  @EnumSource(Topology.class)
  void proxyAgentsStepByMessages(Topology t) {
    List<MessageBroker> b = brokers(t, 3);
    SystemAgent dso = new SystemAgent("system_operator", "env_0", List.of("mg1_proxy", "mg2_proxy"));
    await(dso.setMessageBroker(b.get(0)));
    List<ProxyAgent> proxies = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      double gen = i;
      ProxyAgent p = new ProxyAgent("mg" + i + "_proxy",
          obs -> new JsonObject().put("type", "action").put("p_gen", gen * obs.getDouble("price") / 50.0),
          "system_operator", "env_0");
      await(p.setMessageBroker(b.get(i)));
      proxies.add(p);
    }
    await(dso.broadcast(new JsonObject().put("type", "price_signal").put("price", 55.0)));
    for (ProxyAgent p : proxies) {
      assertThat(await(p.stepDistributed())).hasSize(1);
    }
    Map<String, List<JsonObject>> info = await(dso.receiveSubordinateInfo());
    assertThat(info.get("mg1_proxy").get(0).getDouble("p_gen")).isEqualTo(1.1);
    assertThat(info.get("mg2_proxy").get(0).getDouble("p_gen")).isEqualTo(2.2);
    // a second step without a new signal does nothing
    assertThat(await(proxies.get(0).stepDistributed())).isEmpty();
  }

  /** HERON's horizontal protocols: peers talk on each other's inbox; the sender is on every message. */
  @ParameterizedTest
  @EnumSource(Topology.class)
  void peersTalkOnTheirInboxes(Topology t) {
    List<MessageBroker> b = brokers(t, 2);
    FieldAgent mg1 = new FieldAgent("mg1", "system_operator", "env_0");
    FieldAgent mg2 = new FieldAgent("mg2", "system_operator", "env_0");
    await(mg1.setMessageBroker(b.get(0)));
    await(mg2.setMessageBroker(b.get(1)));
    await(mg1.sendToPeer("mg2", new JsonObject().put("type", "offer").put("quantity", 0.5).put("price", 52.0)));
    List<Message> inbox = await(mg2.receivePeerMessages());
    assertThat(inbox).hasSize(1);
    assertThat(inbox.get(0).senderId()).isEqualTo("mg1");
    assertThat(inbox.get(0).payload().getString("type")).isEqualTo("offer");
    await(mg2.sendToPeer("mg1", new JsonObject().put("type", "accept").put("quantity", 0.5)));
    assertThat(await(mg1.receivePeerMessages())).extracting(m -> m.payload().getString("type")).containsExactly("accept");
    // pulled messages are gone; nothing leaked into the other inbox
    assertThat(await(mg2.receivePeerMessages())).isEmpty();
    assertThat(await(mg1.receivePeerMessages())).isEmpty();
    assertThat(io.agentbus.testing.Await.awaitFailure(mg1.sendToPeer("bad/peer", new JsonObject())))
        .isInstanceOf(io.agentbus.channel.InvalidIdException.class).hasMessageContaining("peer id");
  }

  /** A coordinator retracts what it broadcast once read; listeners see each broadcast once either way. */
  @ParameterizedTest
  @EnumSource(Topology.class)
  void broadcastsAreRetractedBySender(Topology t) {
    List<MessageBroker> b = brokers(t, 2);
    SystemAgent dso = new SystemAgent("system_operator", "env_0", List.of("mg1"));
    await(dso.setMessageBroker(b.get(0)));
    ProxyAgent p = new ProxyAgent("mg1", obs -> new JsonObject().put("seen", obs.getDouble("price")), "system_operator", "env_0");
    await(p.setMessageBroker(b.get(1)));
    await(dso.broadcast(new JsonObject().put("price", 1.0)));
    assertThat(await(p.stepDistributed())).hasSize(1);
    assertThat(await(dso.retractBroadcasts())).isEqualTo(1);
    assertThat(await(dso.retractBroadcasts())).isZero();
    await(dso.broadcast(new JsonObject().put("price", 2.0)));
    assertThat(await(p.stepDistributed())).extracting(j -> j.getDouble("seen")).containsExactly(2.0);
  }

  /** A coordinator whose children are known late gets their channels when it learns them. */
  @ParameterizedTest
  @EnumSource(Topology.class)
  void subordinatesCanBeSetLater(Topology t) {
    List<MessageBroker> b = brokers(t, 2);
    class Late extends SystemAgent {
      Late() {
        super("system_operator", "env_0", List.of());
      }

      io.vertx.core.Future<Void> adopt(List<String> ids) {
        return setSubordinates(ids);
      }
    }
    Late dso = new Late();
    await(dso.setMessageBroker(b.get(0)));
    assertThat(io.agentbus.testing.Await.awaitFailure(dso.sendActionToSubordinate("mg1", 1.0)))
        .hasMessageContaining("not a subordinate");
    await(dso.adopt(List.of("mg1")));
    FieldAgent mg1 = new FieldAgent("mg1", "system_operator", "env_0");
    await(mg1.setMessageBroker(b.get(1)));
    await(dso.sendActionToSubordinate("mg1", 1.0));
    assertThat(await(mg1.receiveActionMessages())).containsExactly(1.0);
    await(mg1.sendInfoToUpstream(new JsonObject().put("ok", true)));
    assertThat(await(dso.receiveSubordinateInfo())).containsOnlyKeys("mg1");
    assertThat(io.agentbus.testing.Await.awaitFailure(dso.adopt(List.of("bad id")))).hasMessageContaining("subordinate id");
    assertThat(dso.subordinateIds()).containsExactly("mg1");
  }

  /** The default {@link PolicyAgent#actOn} acts on each input alone, in order; an override sees them together. */
  @ParameterizedTest
  @EnumSource(Topology.class)
  void aProxyHandsAStepsInputsToItsAgent(Topology t) {
    List<MessageBroker> b = brokers(t, 2);
    SystemAgent dso = new SystemAgent("system_operator", "env_0", List.of("mg1"));
    await(dso.setMessageBroker(b.get(0)));
    List<Integer> batches = new ArrayList<>();
    PolicyAgent together = new PolicyAgent() {
      @Override
      public JsonObject act(JsonObject observation) {
        throw new AssertionError("actOn is overridden");
      }

      @Override
      public List<JsonObject> actOn(List<JsonObject> inputs) {
        batches.add(inputs.size());
        return List.of(new JsonObject().put("inputs", inputs.size()));
      }
    };
    ProxyAgent p = new ProxyAgent("mg1", together, "system_operator", "env_0");
    await(p.setMessageBroker(b.get(1)));
    await(dso.broadcast(new JsonObject().put("price", 55.0)));
    await(dso.sendActionToSubordinate("mg1", new JsonObject().put("p_gen", 1.0)));
    assertThat(await(p.stepDistributed())).extracting(j -> j.getInteger("inputs")).containsExactly(2);
    assertThat(batches).containsExactly(2);
    assertThat(await(dso.receiveSubordinateInfo()).get("mg1")).hasSize(1);
  }
}
