package io.agentbus.agent;

import io.agentbus.agent.TestAgents.Add;
import io.agentbus.agent.TestAgents.Calculator;
import io.agentbus.agent.TestAgents.Sum;
import io.agentbus.cluster.Node;
import io.agentbus.testing.FreePorts;
import io.agentbus.testing.LocalCluster;
import io.vertx.core.Promise;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the cluster loses a node's inbox registration (what happens when it re-forms around a node
 * that was alone: vertx-hazelcast does not republish that node's registrations), the next
 * membership change makes the runtime register again, and its agents are reachable again.
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

  @Test
  void aLostInboxRegistrationIsRestoredAtTheNextMembershipChange() throws Exception {
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

      // the cluster forgets node 1's inbox (as after a re-formed cluster)
      ClusterManager cm = ((VertxInternal) n1.vertx()).clusterManager();
      String inbox = "default/_runtime/" + n1.id() + "/inbox";
      Promise<List<RegistrationInfo>> regs = Promise.promise();
      cm.getRegistrations(inbox, regs);
      for (RegistrationInfo info : await(regs.future())) {
        if (info.nodeId().equals(n1.id())) {
          Promise<Void> removed = Promise.promise();
          cm.removeRegistration(inbox, info, removed);
          await(removed.future());
        }
      }
      // node 0 sees the removal once its copy of the registrations is updated
      until("sends to node 1 failing", Duration.ofSeconds(10), () -> {
        Throwable err = awaitFailureOrNull(r0.send(new Add(1, 2), calc, null, Sum.class));
        return err != null && err.getMessage().contains("no running agent runtime");
      });

      // a node joins: node 1 finds its inbox missing and registers again
      n2 = await(Node.start(LocalCluster.options("lostreg_it", ports.get(2), members)));
      until("node 1's agents reachable again", Duration.ofSeconds(20), () -> {
        try {
          return await(r0.send(new Add(2, 2), calc, null, Sum.class)).equals(new Sum(4));
        } catch (AssertionError | RuntimeException notYet) {
          return false;
        }
      });
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
