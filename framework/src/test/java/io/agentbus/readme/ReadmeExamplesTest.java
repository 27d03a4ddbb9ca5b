package io.agentbus.readme;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.TopicId;
import io.agentbus.agent.TypeSubscription;
import io.agentbus.broker.BrokerOptions;
import io.agentbus.broker.MessageBroker;
import io.agentbus.channel.Channels;
import io.agentbus.cluster.Leadership;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.message.Message;
import io.agentbus.message.MessageType;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's snippets, compiled and run (keep them in step). */
class ReadmeExamplesTest {

  record Ping(int n) {
  }

  record Pong(int n) {
  }

  record Greeting(String text) {
  }

  record Seen(String text) {
  }

  static final List<Seen> SEEN = new CopyOnWriteArrayList<>();

  static class Echo extends Agent {
    public Handlers handlers() {            // the one place: what it handles, what it replies
      return Handlers.builder()
          .onRequest(Ping.class, (p, ctx) -> new Pong(p.n()))
          .on(Greeting.class, (g, ctx) -> publish(new Seen(g.text()), new TopicId("seen", "k")))
          .build();
    }
  }

  static class Watcher extends Agent {
    public Handlers handlers() {
      return Handlers.builder().on(Seen.class, (s, ctx) -> SEEN.add(s)).build();
    }
  }

  @Test
  void messagingSnippets() {
    Message msg = Message.builder()
        .envId("env_0").senderId("coordinator").recipientId("field_1").timestamp(0.0)
        .type(MessageType.ACTION).payload(new JsonObject().put("power_setpoint", 100.0))
        .build();
    Vertx vertx = Vertx.vertx();
    try {
      MessageBroker inMemory = MessageBroker.inMemory();
      MessageBroker onTheBus = MessageBroker.eventBus(vertx, new BrokerOptions()).await();
      for (MessageBroker broker : List.of(inMemory, onTheBus)) {
        Channels ch = broker.channels();
        assertThat(ch.action("coordinator_1", "field_1", "env_0").address())
            .isEqualTo("default/env/env_0/action/coordinator_1/field_1");
        broker.publish(ch.action("coordinator", "field_1", "env_0"), msg).await();
        assertThat(broker.consume(ch.action("coordinator", "field_1", "env_0"), "field_1", "env_0").await()).containsExactly(msg);
      }
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void errorsSnippet() {
    Node node = Node.start(new NodeOptions()).await();
    try {
      io.agentbus.agent.AgentRuntime runtime = io.agentbus.agent.AgentRuntime.create(node,
          new io.agentbus.agent.AgentRuntimeOptions()).await();
      List<Boolean> retry = new CopyOnWriteArrayList<>();
      Throwable failed = runtime.send(new Ping(1), new io.agentbus.agent.AgentId("calculator", "k"), null).onFailure(err -> {
        if (io.agentbus.error.ErrorCode.of(err).retryable()) {
          retry.add(true);  // unavailable, a limit reached, a timeout: try again later
        }
      }).transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
      // no node registered "calculator": not found, and retrying as is will not help
      assertThat(io.agentbus.error.ErrorCode.of(failed)).isEqualTo(io.agentbus.error.ErrorCode.NOT_FOUND);
      assertThat(retry).isEmpty();
      runtime.close().await();
    } finally {
      node.close().await();
    }
  }

  @Test
  void leadershipSnippet() throws Exception {
    Node node = Node.start(new NodeOptions()).await();
    try {
      Vertx vertx = node.vertx();
      List<Long> swept = new CopyOnWriteArrayList<>();
      Leadership sweeper = Leadership.start(node, "handoff-sweeper", 10_000).await();
      vertx.setPeriodic(1_000, t -> {
        if (sweeper.isLeader()) {
          swept.add(sweeper.token());
        }
      });
      long deadline = System.currentTimeMillis() + 10_000;
      while (swept.isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertThat(swept).as("the single node leads, with the first token").startsWith(1L);
      sweeper.close().await();
    } finally {
      node.close().await();
    }
  }

  @Test
  void agentRuntimeSnippet() {
    Node node = Node.start(new NodeOptions()).await();
    try {
      AgentRuntime rt = AgentRuntime.create(node, new AgentRuntimeOptions()).await();
      rt.register("echo", id -> new Echo()).await();                 // on any node (or several)
      rt.addSubscription(TypeSubscription.defaultFor("echo")).await();
      rt.register("watcher", id -> new Watcher()).await();
      rt.addSubscription(new TypeSubscription("seen", "watcher")).await();
      Pong pong = rt.send(new Ping(1), new AgentId("echo", "k1"), null, Pong.class).await();
      rt.publish(new Greeting("hi"), TopicId.defaultTopic(), null);
      assertThat(pong).isEqualTo(new Pong(1));
      io.agentbus.testing.Await.until("the greeting to be seen", java.time.Duration.ofSeconds(10), () -> !SEEN.isEmpty());
      assertThat(SEEN).containsExactly(new Seen("hi"));
      rt.close().await();
    } finally {
      node.close().await();
    }
  }
}
