package io.agentbus.agent.impl;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.testing.LocalCluster;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.agentbus.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A send that reaches a node whose view of the owner differs from the caller's (a stale view, as
 * during a join or a merge): the node forwards it, and the caller gets the owner's reply, with its
 * payload, within the caller's own timeout rather than the forwarding node's default.
 */
class ForwardingIT {

  private static final String NS = "forwardit";
  private static LocalCluster cluster;
  private static final List<AgentRuntime> runtimes = new ArrayList<>();

  /** The request: the agent answers after {@code delayMillis}. */
  public record Slow(long delayMillis, String text) {
  }

  /** The reply. */
  public record Answer(String text, String node) {
  }

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(3, NS);
    for (int i = 0; i < 3; i++) {
      // a 2 s default: the forwarding node would give up long before the caller's 30 s
      AgentRuntime rt = await(AgentRuntime.create(cluster.node(i), new AgentRuntimeOptions().setNamespace(NS)
          .setSendTimeoutMillis(2_000)));
      await(rt.register("slow", id -> new Agent() {
        @Override
        public Handlers handlers() {
          return Handlers.builder().onRequestAsync(Slow.class, (s, ctx) -> {
            Promise<Answer> p = Promise.promise();
            context().vertx().setTimer(s.delayMillis(), t -> p.complete(new Answer(s.text(), context().nodeId())));
            return p.future();
          }).build();
        }
      }));
      runtimes.add(rt);
    }
    io.agentbus.testing.Await.until("every runtime sees three registrations", Duration.ofSeconds(20),
        () -> runtimes.stream().allMatch(r -> java.util.stream.IntStream.range(0, 60)
            .mapToObj(k -> r.ownerOf(new AgentId("slow", "k" + k))).distinct().count() == 3));
  }

  @AfterAll
  static void stop() {
    runtimes.forEach(r -> await(r.close()));
    cluster.close();
  }

  @Test
  void aForwardedSendReturnsTheReplyAndHonoursTheCallersTimeout() {
    AgentRuntimeImpl a = (AgentRuntimeImpl) runtimes.get(0);
    String nodeB = cluster.node(1).id();
    String nodeC = cluster.node(2).id();
    AgentId target = java.util.stream.IntStream.range(0, 200).mapToObj(k -> new AgentId("slow", "k" + k))
        .filter(id -> nodeC.equals(a.ownerOf(id))).findFirst().orElseThrow();
    // what a node with a stale view does: send to B an agent that C owns; first an immediate answer
    Envelope quick = new Envelope(Envelope.Kind.SEND, "m-stale-0", null, target, null, a.payloadTypes().nameOf(new Slow(0, "")),
        null, Buffer.buffer(new JsonObject().put("delayMillis", 1).put("text", "quick").encode()), Map.of(), 0).withTimeout(30_000);
    Envelope quickReply = (Envelope) await(cluster.node(0).vertx().eventBus().request(new RuntimeAddresses(NS).inbox(nodeB), quick,
        new DeliveryOptions().setSendTimeout(30_000))).body();
    assertThat(quickReply.payloadJson).as("the forwarded reply carries its payload").isNotNull();
    assertThat(new JsonObject(quickReply.payloadJson).getString("text")).isEqualTo("quick");
    // then one that takes longer than every node's default, within the caller's 30 s
    Buffer json = Buffer.buffer(new JsonObject().put("delayMillis", 3_000).put("text", "through B").encode());
    Envelope stale = new Envelope(Envelope.Kind.SEND, "m-stale-1", null, target, null, a.payloadTypes().nameOf(new Slow(0, "")),
        null, json, Map.of(), 0).withTimeout(30_000);
    Object body = await(cluster.node(0).vertx().eventBus().request(new RuntimeAddresses(NS).inbox(nodeB), stale,
        new DeliveryOptions().setSendTimeout(30_000)), Duration.ofSeconds(40)).body();
    Envelope reply = (Envelope) body;
    assertThat(reply.kind).isEqualTo(Envelope.Kind.REPLY);
    assertThat(reply.payloadJson).as("the forwarded reply carries its payload").isNotNull();
    JsonObject answer = new JsonObject(reply.payloadJson);
    assertThat(answer.getString("text")).isEqualTo("through B");
    assertThat(answer.getString("node")).isEqualTo(nodeC);
  }

  @Test
  void theCallersTimeoutTravelsWithAnOrdinarySend() {
    // the owner answers after 3 s, more than every runtime's 2 s default; the caller asked for 30 s
    AgentRuntime a = runtimes.get(0);
    AgentId remote = java.util.stream.IntStream.range(0, 200).mapToObj(k -> new AgentId("slow", "t" + k))
        .filter(id -> !cluster.node(0).id().equals(a.ownerOf(id))).findFirst().orElseThrow();
    Answer got = await(a.send(new Slow(3_000, "patience"), remote, null, Answer.class, 30_000), Duration.ofSeconds(40));
    assertThat(got.text()).isEqualTo("patience");
  }
}
