package io.agentbus.agent;

import io.agentbus.agent.TestAgents.Add;
import io.agentbus.agent.TestAgents.Calculator;
import io.agentbus.agent.TestAgents.Sum;
import io.agentbus.broker.BrokerOptions;
import io.agentbus.broker.MessageBroker;
import io.agentbus.broker.impl.EventBusBrokerImpl;
import io.agentbus.channel.Channel;
import io.agentbus.cluster.Node;
import io.agentbus.message.Message;
import io.agentbus.message.MessageType;
import io.vertx.core.json.JsonObject;
import io.agentbus.testing.ClusterRegistry;
import io.agentbus.testing.FreePorts;
import io.agentbus.testing.LocalCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the cluster loses a node's registrations (what happens when it re-forms around a node that
 * was alone: vertx-hazelcast does not republish that node's registrations), the next membership
 * change makes the runtime and the broker register again: its agents, its mailboxes and its
 * subscriptions are reachable again.
 */
class LostRegistrationIT {

  private static Throwable awaitFailureOrNull(io.vertx.core.Future<?> f) {
    try {
      await(f);
      return null;
    } catch (AssertionError | RuntimeException e) {
      return f.cause();
    }
  }

  private static java.util.Set<String> texts(List<Message> messages) {
    return messages.stream().map(m -> m.payload().getString("text")).collect(Collectors.toSet());
  }

  private static Message text(String text) {
    return Message.of("env", "operator", "mg1", 0, MessageType.INFO, new JsonObject().put("text", text));
  }

  @Test
  void lostRegistrationsAreRestoredAtTheNextMembershipChange() throws Exception {
    List<Integer> ports = FreePorts.pick(3);
    List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.toList());
    Node n0 = await(Node.start(LocalCluster.options("lostreg_it", ports.get(0), members)));
    Node n1 = await(Node.start(LocalCluster.options("lostreg_it", ports.get(1), members)));
    Node n2 = null;
    try {
      until("two members", Duration.ofSeconds(30), () -> n0.knownMembers().size() == 2 && n1.knownMembers().size() == 2);
      AgentRuntime r0 = await(AgentRuntime.create(n0, new AgentRuntimeOptions().setSendTimeoutMillis(2_000)));
      AgentRuntime r1 = await(AgentRuntime.create(n1, new AgentRuntimeOptions().setSendTimeoutMillis(2_000)));
      await(r1.register("calc", id -> new Calculator()));
      AgentId calc = new AgentId("calc", "k");
      until("the type known on node 0", Duration.ofSeconds(10), () -> n1.id().equals(r0.ownerOf(calc)));
      r0.payloadTypes().register(Sum.class);
      assertThat(await(r0.send(new Add(1, 2), calc, null, Sum.class))).isEqualTo(new Sum(3));

      // a broker on each node: node 1's owns a pull channel and subscribes to it
      MessageBroker b0 = await(MessageBroker.eventBus(n0.vertx(), new BrokerOptions().setRequestTimeoutMillis(2_000)));
      MessageBroker b1 = await(MessageBroker.eventBus(n1.vertx(), new BrokerOptions().setRequestTimeoutMillis(2_000)));
      Channel ch = b1.channels().peer("mg1", "env");
      await(b1.createChannel(ch));
      List<String> pushed = new CopyOnWriteArrayList<>();
      await(b1.subscribe(ch, m -> pushed.add(m.payload().getString("text"))));
      await(b0.publish(ch, text("before")));
      until("the subscriber on node 1 reached", Duration.ofSeconds(10), () -> pushed.contains("before"));

      // the cluster forgets node 1's registrations (as after a re-formed cluster)
      String store = b1.channels().namespace() + "/_broker/" + ((EventBusBrokerImpl) b1).id() + "/store";
      String announce = "lostreg_it/_node/announce";  // the node's namespace
      for (String address : List.of("default/_runtime/" + n1.id() + "/inbox", store, ch.address(), announce)) {
        ClusterRegistry.forget(n1, address);
      }
      // node 0 sees the removal once its copy of the registrations is updated
      until("sends to node 1 failing", Duration.ofSeconds(10), () -> {
        Throwable err = awaitFailureOrNull(r0.send(new Add(1, 2), calc, null, Sum.class));
        return err != null && err.getMessage().contains("no running agent runtime");
      });
      // ...and, not finding the mailbox's owner, takes the mailbox over: what it stores now node 1
      // cannot see, and its subscriber hears nothing
      await(b0.publish(ch, text("cut off")));
      assertThat(pushed).doesNotContain("cut off");

      // a node joins: node 1 finds its inbox missing and registers again
      n2 = await(Node.start(LocalCluster.options("lostreg_it", ports.get(2), members)));
      until("node 1's agents reachable again", Duration.ofSeconds(20), () -> {
        try {
          return await(r0.send(new Add(2, 2), calc, null, Sum.class)).equals(new Sum(4));
        } catch (AssertionError | RuntimeException notYet) {
          return false;
        }
      });
      // the node's own consumer is back too
      until("node 1's announcement consumer registered again", Duration.ofSeconds(10),
          () -> await(io.agentbus.cluster.impl.EventBusRegistrations.known(n1.vertx(), announce)));
      // the broker's endpoints and subscription are back: a publish on node 0 reaches the subscriber
      // on node 1, and both brokers read one mailbox
      until("node 1's subscriber reached again", Duration.ofSeconds(20), () -> {
        await(b0.publish(ch, text("after")));
        return pushed.contains("after");
      });
      // node 1 hands what its own copy of the mailbox held ("before") to the owner after registering
      // again, asynchronously: once it has, both brokers read one mailbox and nothing is lost
      until("both brokers reading one mailbox with every message", Duration.ofSeconds(10), () -> {
        List<Message> on1 = await(b1.consume(ch, "mg1", "env", false));
        List<Message> on0 = await(b0.consume(ch, "mg1", "env", false));
        return on1.equals(on0) && texts(on0).equals(java.util.Set.of("before", "cut off", "after"));
      });
      await(b0.close());
      await(b1.close());
      await(r0.close());
      await(r1.close());
    } finally {
      if (n2 != null) {
        await(n2.close());
      }
      await(n1.close());
      await(n0.close());
    }
  }
}
