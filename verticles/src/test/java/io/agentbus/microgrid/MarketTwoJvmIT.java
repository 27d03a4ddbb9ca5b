package io.agentbus.microgrid;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Placement;
import io.agentbus.broker.BrokerOptions;
import io.agentbus.broker.MessageBroker;
import io.agentbus.cluster.Node;
import io.agentbus.testing.ChildJvm;
import io.agentbus.testing.FreePorts;
import io.agentbus.testing.LocalCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** The market with its microgrids spread over two JVM processes gives the centralized trajectory. */
class MarketTwoJvmIT {

  @Test
  void microgridsOnTwoProcessesReproduceTheCentralizedTrajectory() throws Exception {
    List<Integer> ports = FreePorts.pick(2);
    String members = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    Node driver = await(Node.start(LocalCluster.options("market2jvm", ports.get(0), List.of(members.split(",")))
        .setNodeName("driver")));
    try (ChildJvm worker = ChildJvm.start("market-worker", MarketWorkerMain.class,
        List.of("market2jvm", String.valueOf(ports.get(1)), members))) {
      String workerId = worker.awaitLine("READY", Duration.ofSeconds(60)).substring(6);
      until("2 members", Duration.ofSeconds(30), () -> driver.knownMembers().size() == 2);
      AgentRuntime rt = await(AgentRuntime.create(driver, new AgentRuntimeOptions()));
      MessageBroker bus = await(MessageBroker.eventBus(driver.vertx(), new BrokerOptions()));
      await(MicrogridMarketEnv.registerAgents(rt, bus, MicrogridPolicy.ruleBased()));
      List<String> nodes = List.of(driver.id(), workerId);
      String envId = null;
      for (int k = 0; envId == null; k++) {
        Set<String> owners = new HashSet<>();
        for (String mg : List.of("mg1", "mg2", "mg3")) {
          owners.add(Placement.owner(OperatorAgent.microgridAgent("two_" + k, mg), nodes));
        }
        if (owners.size() == 2) {
          envId = "two_" + k;
        }
      }
      List<JsonObject> distributed = MicrogridMarketEnvTest.run(MicrogridMarketEnv.distributed(envId,
          MicrogridMarketEnv.defaultMicrogrids(3), rt, bus), 2024, 48, Map.of());
      List<JsonObject> central = MicrogridMarketEnvTest.run(MicrogridMarketEnv.centralized(envId,
          MicrogridMarketEnv.defaultMicrogrids(3), MicrogridPolicy.ruleBased(), MessageBroker.inMemory()), 2024, 48, Map.of());
      assertThat(distributed).isEqualTo(central);
      assertThat(rt.ownerOf(OperatorAgent.microgridAgent(envId, "mg1")) + rt.ownerOf(OperatorAgent.microgridAgent(envId, "mg2"))
          + rt.ownerOf(OperatorAgent.microgridAgent(envId, "mg3"))).contains(workerId).contains(driver.id());
      await(rt.close());
    } finally {
      await(driver.close());
    }
  }
}
