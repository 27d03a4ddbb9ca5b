package io.agentbus.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.cluster.impl.HazelcastConfigs;
import io.agentbus.testing.FreePorts;
import io.agentbus.testing.LocalCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static io.agentbus.testing.Await.sleep;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attack of an outsider who reaches the Hazelcast port and knows the namespace (all that
 * open-source Hazelcast asks of a joiner), against a 2-node cluster with a secret: a foreign Vert.x
 * member and a plain Hazelcast client join; neither can talk to our agents, read a value in clear,
 * or forge an entry, and both are reported as intruders.
 */
class ClusterSecretIT {

  private static final String NS = "secretit";
  private static final ClusterSecret SECRET = ClusterSecret.of("correct horse battery staple 42!");
  private static LocalCluster cluster;
  private static AgentRuntime r0;
  private static AgentRuntime r1;
  private static final AtomicInteger echoed = new AtomicInteger();

  /** The echo agents' request and reply. */
  public record Ping(String text) {
  }

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(2, NS, SECRET);
    r0 = await(AgentRuntime.create(cluster.node(0), new AgentRuntimeOptions().setNamespace(NS)));
    r1 = await(AgentRuntime.create(cluster.node(1), new AgentRuntimeOptions().setNamespace(NS)));
    for (AgentRuntime r : List.of(r0, r1)) {
      await(r.register("echo", id -> new io.agentbus.agent.Agent() {
        @Override
        public io.agentbus.agent.Handlers handlers() {
          return io.agentbus.agent.Handlers.builder().onRequest(Ping.class, (m, ctx) -> {
            echoed.incrementAndGet();
            return m;
          }).build();
        }
      }));
    }
  }

  @AfterAll
  static void stop() {
    await(r0.close());
    await(r1.close());
    cluster.close();
  }

  /** A Vert.x member with the cluster's name but without the secret (plain event bus). */
  private static Vertx foreignMember() {
    NodeOptions o = LocalCluster.options(NS, FreePorts.pick(1).get(0), cluster.members());
    return await(Vertx.builder().withClusterManager(new HazelcastClusterManager(HazelcastConfigs.build(o))).buildClustered());
  }

  private static HazelcastInstance client() {
    ClientConfig cc = new ClientConfig().setClusterName("agentbus-" + NS);
    cc.setProperty("hazelcast.phone.home.enabled", "false");
    cc.getNetworkConfig().addAddress(cluster.members().toArray(new String[0]));
    return HazelcastClient.newHazelcastClient(cc);
  }

  @Test
  void membersWithTheSecretTalkOverMutualTls() {
    for (int i = 0; i < 20; i++) {
      Ping reply = await(r0.send(new Ping("hello " + i), new AgentId("echo", "k" + i), null, Ping.class, 10_000));
      assertThat(reply.text()).isEqualTo("hello " + i);
    }
    // both nodes host some of the 20 keys: the event bus between them works
    assertThat(java.util.stream.IntStream.range(0, 20).mapToObj(i -> r0.ownerOf(new AgentId("echo", "k" + i))).distinct())
        .containsExactlyInAnyOrder(cluster.node(0).id(), cluster.node(1).id());
  }

  @Test
  void aForeignMemberCanNeitherSendToUsNorReceiveFromUsAndIsReportedAndNeverTrusted() {
    Vertx foreign = foreignMember();
    try {
      String foreignId = ((HazelcastClusterManager) ((io.vertx.core.internal.VertxInternal) foreign).clusterManager()).getNodeId();
      until("the foreign member in our membership", Duration.ofSeconds(30), () -> cluster.node(0).memberIds().contains(foreignId));

      // it sends to an address our node consumes: the TLS handshake fails, nothing arrives
      AtomicInteger ours = new AtomicInteger();
      await(cluster.node(0).vertx().eventBus().consumer("secretit.guarded", m -> {
        ours.incrementAndGet();
        m.reply("leaked");
      }).completion());
      sleep(1_000); // the consumer's registration has reached the foreign member's view
      Throwable refused = awaitFailure(foreign.eventBus().request("secretit.guarded", "hi",
          new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(3_000)));
      assertThat(refused).isNotNull();
      assertThat(ours.get()).isZero();

      // it consumes an address we publish to: it receives nothing
      AtomicInteger leaked = new AtomicInteger();
      await(foreign.eventBus().consumer("secretit.leak", m -> leaked.incrementAndGet()).completion());
      sleep(1_000);
      for (int i = 0; i < 10; i++) {
        cluster.node(0).vertx().eventBus().publish("secretit.leak", "secret " + i);
      }
      sleep(2_000);
      assertThat(leaked.get()).isZero();

      // it forges a node info and an agent registration for itself: neither opens
      AsyncMap<String, Object> nodes = await(foreign.sharedData().getAsyncMap("agentbus." + NS + ".nodes"));
      await(nodes.put(foreignId, new JsonObject().put("id", foreignId).put("name", "evil").put("startedAtMillis", 0L)));
      AsyncMap<String, Object> registry = await(foreign.sharedData().getAsyncMap("agentbus." + NS + ".agent-registry"));
      await(registry.put("forged", new JsonObject().put("op", "register").put("type", "echo").put("node", foreignId)));
      Map<String, JsonObject> seen = await(await(SharedMaps.<String, JsonObject>get(cluster.node(0).vertx(),
          "agentbus." + NS + ".agent-registry")).entries());
      assertThat(seen).doesNotContainKey("forged");
      assertThat(SharedMaps.tamperedEntries(cluster.node(0).vertx())).isPositive();

      until("the foreign member reported as an intruder", Duration.ofSeconds(30),
          () -> cluster.node(0).intruders().stream().anyMatch(i -> i.contains(foreignId)));
      assertThat(cluster.node(0).trusted(foreignId)).isFalse();
      assertThat(cluster.node(0).knownMembers()).extracting(NodeInfo::id).doesNotContain(foreignId)
          .contains(cluster.node(0).id(), cluster.node(1).id());
      for (int i = 0; i < 200; i++) {
        assertThat(r0.ownerOf(new AgentId("echo", "p" + i))).isNotEqualTo(foreignId);
      }
      assertThat(await(r0.send(new Ping("still fine"), new AgentId("echo", "after"), null, Ping.class, 10_000)).text())
          .isEqualTo("still fine");
    } finally {
      await(foreign.close());
    }
  }

  @Test
  void aPlainHazelcastMemberWhichIsNoVertxNodeIsReportedWithItsAddress() {
    // the cluster manager lists only Vert.x nodes: a bare Hazelcast member must not hide behind that
    int port = FreePorts.pick(1).get(0);
    com.hazelcast.config.Config c = new com.hazelcast.config.Config().setClusterName("agentbus-" + NS);
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.heartbeat.interval.seconds", "1"); // the cluster declares members dead after 4 s without one
    c.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    c.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    c.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    c.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    c.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    HazelcastInstance bare = com.hazelcast.core.Hazelcast.newHazelcastInstance(c);
    try {
      String uuid = bare.getCluster().getLocalMember().getUuid().toString();
      until("the bare member reported as an intruder", Duration.ofSeconds(30),
          () -> cluster.node(0).intruders().contains("member " + uuid + " at 127.0.0.1:" + port));
      assertThat(cluster.node(0).trusted(uuid)).isFalse();
    } finally {
      bare.shutdown();
    }
    until("the bare member no longer reported once gone", Duration.ofSeconds(30),
        () -> cluster.node(0).intruders().stream().noneMatch(i -> i.contains(":" + port)));
  }

  @Test
  void aHazelcastClientReadsNothingInClearAndItsForgeriesAreRefused() {
    AsyncMap<String, JsonObject> runs = await(SharedMaps.get(cluster.node(0).vertx(), "secretit.runs"));
    await(runs.put("run-1", new JsonObject().put("prompt", "the quarterly numbers are 42")));
    HazelcastInstance client = client();
    try {
      Map<Object, Object> raw = Map.copyOf(client.getMap("secretit.runs"));
      assertThat(raw).containsKey("run-1");
      assertThat(String.valueOf(raw.get("run-1"))).doesNotContain("quarterly").doesNotContain("42");

      // a value copied to another key does not open there either (the key is bound in)
      client.getMap("secretit.runs").put("run-2", raw.get("run-1"));
      client.getMap("secretit.runs").put("run-3", "forged");
      long before = SharedMaps.tamperedEntries(cluster.node(0).vertx());
      assertThat(awaitFailure(runs.get("run-2"))).isInstanceOf(TamperedEntryException.class);
      assertThat(awaitFailure(runs.get("run-3"))).isInstanceOf(TamperedEntryException.class)
          .hasMessageContaining("run-3").hasMessageContaining("secretit.runs");
      assertThat(SharedMaps.tamperedEntries(cluster.node(0).vertx())).isEqualTo(before + 2);
      assertThat(await(runs.get("run-1")).getString("prompt")).isEqualTo("the quarterly numbers are 42");

      until("the client reported as an intruder", Duration.ofSeconds(15),
          () -> cluster.nodes().stream().anyMatch(n -> n.intruders().stream().anyMatch(i -> i.startsWith("Hazelcast client"))));
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aNodeStartedWithoutTheSecretIsRefusedSayingWhyInsteadOfHanging() {
    // an operator who forgot the secret on one node: its start fails at once, naming the option
    NodeOptions forgot = LocalCluster.options(NS, FreePorts.pick(1).get(0), cluster.members());
    Throwable refused = awaitFailure(Node.start(forgot));
    assertThat(refused).hasMessageContaining("cluster secret").hasMessageContaining("--cluster-secret-file");
    // and the cluster is as before
    assertThat(await(r0.send(new Ping("after"), new AgentId("echo", "forgot"), null, Ping.class, 10_000)).text()).isEqualTo("after");
  }

  @Test
  void withoutASecretAClusterRefusesToListenOnEveryInterface() {
    NodeOptions open = new NodeOptions().setClustered(true).setClusterHost("0.0.0.0");
    assertThat(awaitFailure(Node.start(open))).hasMessageContaining("0.0.0.0").hasMessageContaining("cluster secret");
    NodeOptions publicAddress = new NodeOptions().setClustered(true).setClusterHost("8.8.8.8");
    assertThat(awaitFailure(Node.start(publicAddress))).hasMessageContaining("not a loopback or private address");
  }
}
