package io.agentbus.bench;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.broker.BrokerOptions;
import io.agentbus.broker.MessageBroker;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.microgrid.MicrogridMarketEnv;
import io.agentbus.microgrid.MicrogridPolicy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Market step time, centralized against distributed, same run: 3 microgrids on one node and on 2
 * JVMs, 100 and 1,000 microgrids on 2 JVMs. Usage: {@code MarketBench [steps [local|big]]} ({@code local}: the
 * one-JVM rows only; {@code big}: and the 1,000-microgrid 2-JVM row; for profiling).
 */
public final class MarketBench {

  private MarketBench() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 3) {
      Node node = BrokerBench.await(Node.start(BenchCluster.peerOptions(args)));
      AgentRuntime rt = BrokerBench.await(AgentRuntime.create(node, new AgentRuntimeOptions()));
      // the peer hosts microgrids only: the operator stays next to the driver
      MessageBroker peerBus = BrokerBench.await(MessageBroker.eventBus(node.vertx(), new BrokerOptions()));
      BrokerBench.await(MicrogridMarketEnv.registerMicrogrids(rt, peerBus, MicrogridPolicy.ruleBased()));
      System.out.println("READY " + node.id());
      System.out.flush();
      Thread.currentThread().join();
      return;
    }
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    List<String> rows = new ArrayList<>();
    for (int n : new int[] {3, 100, 1000}) {
      MicrogridMarketEnv central = MicrogridMarketEnv.centralized("c" + n, MicrogridMarketEnv.defaultMicrogrids(n),
          MicrogridPolicy.ruleBased(), MessageBroker.inMemory());
      rows.add(row("centralized, 1 JVM", n, central, n >= 1000 ? steps / 4 : steps));
    }
    Node local = BrokerBench.await(Node.start(new NodeOptions()));
    AgentRuntime rt = BrokerBench.await(AgentRuntime.create(local, new AgentRuntimeOptions()));
    MessageBroker bus = BrokerBench.await(MessageBroker.eventBus(local.vertx(), new BrokerOptions()));
    BrokerBench.await(MicrogridMarketEnv.registerAgents(rt, bus, MicrogridPolicy.ruleBased()));
    rows.add(row("distributed, 1 node", 3, MicrogridMarketEnv.distributed("d3", MicrogridMarketEnv.defaultMicrogrids(3), rt, bus), steps));
    BrokerBench.await(rt.close());
    BrokerBench.await(bus.close());
    BrokerBench.await(local.close());
    if (args.length > 1 && args[1].equals("local")) {
      BenchTable.print("Market step time (one node only)", "| mode | microgrids | median ms | p95 ms |", "|---|---:|---:|---:|", rows);
      System.exit(0);
    }
    try (BenchCluster c = BenchCluster.start("marketbench", MarketBench.class)) {
      AgentRuntime drt = BrokerBench.await(AgentRuntime.create(c.driver, new AgentRuntimeOptions()));
      MessageBroker cbus = BrokerBench.await(MessageBroker.eventBus(c.driver.vertx(), new BrokerOptions()));
      BrokerBench.await(MicrogridMarketEnv.registerAgents(drt, cbus, MicrogridPolicy.ruleBased()));
      boolean bigOnly = args.length > 1 && args[1].equals("big");
      for (int n : bigOnly ? new int[] {1000} : new int[] {3, 100, 1000}) {
        // an environment id whose microgrids really are on both JVMs (placement depends on the node ids)
        String envId = null;
        long onPeer = 0;
        for (int k = 0; envId == null; k++) {
          onPeer = 0;
          for (int i = 1; i <= n; i++) {
            if (c.peerNodeId.equals(drt.ownerOf(io.agentbus.microgrid.OperatorAgent.microgridAgent("m" + n + "_" + k, "mg" + i)))) {
              onPeer++;
            }
          }
          if (onPeer > 0 && onPeer < n) {
            envId = "m" + n + "_" + k;
          }
        }
        MicrogridMarketEnv env = MicrogridMarketEnv.distributed(envId, MicrogridMarketEnv.defaultMicrogrids(n), drt, cbus);
        rows.add(row("distributed, 2 JVMs (" + onPeer + " on the peer)", n, env, n >= 1000 ? steps / 4 : steps));
      }
      BrokerBench.await(drt.close());
    }
    BenchTable.print("Market step time", "| mode | microgrids | median ms | p95 ms |", "|---|---:|---:|---:|", rows);
    System.exit(0);
  }

  private static String row(String mode, int n, MicrogridMarketEnv env, int steps) {
    BrokerBench.await(env.reset(1));
    // long warm-up for small markets: the JIT must have compiled the JSON paths, as in a running node
    int warmup = n <= 3 ? 3000 : n <= 100 ? 300 : 30;
    for (int i = 0; i < warmup; i++) {
      BrokerBench.await(env.step(Map.of()));
    }
    double[] ms = new double[steps];
    for (int i = 0; i < steps; i++) {
      long t0 = System.nanoTime();
      BrokerBench.await(env.step(Map.of()));
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    String r = String.format(Locale.ROOT, "| %s | %,d | %.3f | %.3f |", mode, n, ms[steps / 2], ms[(int) (steps * 0.95)]);
    System.err.println(r);
    return r;
  }
}
