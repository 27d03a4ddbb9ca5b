package io.agentbus.grpc;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.TypeSubscription;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.agentbus.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Unmodified Python AutoGen workers ({@code autogen-ext[grpc]}) on our host. */
class AutoGenWorkerIT {

  /** Sees every message published to the default topic, on the JVM side. */
  static final class Observer extends Agent {
    final List<String> seen;

    Observer(List<String> seen) {
      this.seen = seen;
    }

    @Override
    public Handlers handlers() {
      return Handlers.builder().onJson("MyMessage", (json, ctx) -> {
        seen.add(json.getString("content"));
        return null;
      }).build();
    }
  }

  private static List<String> runScript(String script, int port) throws Exception {
    Path file = Files.createTempFile("agentbus", ".py");
    try (var in = AutoGenWorkerIT.class.getResourceAsStream("/python/" + script)) {
      Files.write(file, in.readAllBytes());
    }
    Process p = new ProcessBuilder(PythonEnv.python(), file.toString(), "127.0.0.1:" + port)
        .redirectError(new File("target/" + script + ".stderr.log")).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the script ends").isTrue();
    assertThat(p.exitValue()).as("exit code; see target/" + script + ".stderr.log").isZero();
    return lines;
  }

  @Test
  void theDocumentedSampleRunsUnchangedAndJvmAgentsSeeItsMessages() throws Exception {
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
      List<String> seenOnJvm = new CopyOnWriteArrayList<>();
      await(rt.register("jvm_observer", id -> new Observer(seenOnJvm)));
      await(rt.addSubscription(TypeSubscription.defaultFor("jvm_observer")));
      AgentRpcHost host = await(AgentRpcHost.start(rt, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)));

      List<String> out = runScript("distributed_sample.py", host.port());

      for (String w : List.of("worker1", "worker2")) {
        assertThat(out.stream().filter(l -> l.startsWith(w + ":")).collect(Collectors.toList()))
            .as("each agent publishes exactly five replies")
            .containsExactlyInAnyOrder(w + ": Hello x 1", w + ": Hello x 2", w + ": Hello x 3", w + ": Hello x 4",
                w + ": Hello x 5");
      }
      assertThat(out).contains("DONE");
      assertThat(seenOnJvm).hasSize(11).contains("Hello!");
      // the workers' types and subscriptions are withdrawn when they disconnect
      io.agentbus.testing.Await.until("workers gone", java.time.Duration.ofSeconds(10), () -> host.workers().isEmpty());
      io.agentbus.testing.Await.until("their subscriptions gone", java.time.Duration.ofSeconds(10),
          () -> rt.subscriptions().stream().noneMatch(s -> s.agentType().startsWith("worker")));
      assertThat(rt.ownerOf(new io.agentbus.agent.AgentId("worker1", "default"))).isNull();
      await(host.close());
      await(rt.close());
    } finally {
      await(node.close());
    }
  }

  /**
   * An unmodified worker sends no token: behind a bridge that requires one, it is admitted only
   * from an allowed network, and refused (never registered) otherwise.
   */
  @Test
  void unmodifiedWorkersAreAdmittedByTheirNetworkAndRefusedOutsideIt() throws Exception {
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
      AgentRpcHost allowed = await(AgentRpcHost.start(rt, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)
          .setToken("a-token-python-cannot-send").setAllowedNetworks(List.of("127.0.0.0/8"))));
      List<String> out = runScript("distributed_sample.py", allowed.port());
      assertThat(out).contains("DONE").contains("worker1: Hello x 5", "worker2: Hello x 5");
      await(allowed.close());

      AgentRpcHost refusing = await(AgentRpcHost.start(rt, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)
          .setToken("a-token-python-cannot-send").setAllowedNetworks(List.of("10.0.0.0/8"))));
      Path file = Files.createTempFile("agentbus", ".py");
      try (var in = AutoGenWorkerIT.class.getResourceAsStream("/python/distributed_sample.py")) {
        Files.write(file, in.readAllBytes());
      }
      Process p = new ProcessBuilder(PythonEnv.python(), file.toString(), "127.0.0.1:" + refusing.port())
          .redirectErrorStream(true).start();
      String printed;
      boolean ended = p.waitFor(30, TimeUnit.SECONDS);
      if (!ended) {
        p.destroyForcibly().waitFor();
      }
      printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(printed).doesNotContain("DONE");
      assertThat(!ended || p.exitValue() != 0).as("the refused worker fails").isTrue();
      assertThat(printed).contains("UNAUTHENTICATED");
      assertThat(refusing.workers()).isEmpty();
      assertThat(rt.ownerOf(new io.agentbus.agent.AgentId("worker1", "default"))).isNull();
      await(refusing.close());
      await(rt.close());
    } finally {
      await(node.close());
    }
  }

  /** The JVM calculator the Python worker calls. */
  record Add(int a, int b) {
  }

  record Sum(int value) {
  }

  static final class JavaCalc extends Agent {
    @Override
    public Handlers handlers() {
      return Handlers.builder().onRequest(Add.class, (a, ctx) -> new Sum(a.a() + a.b())).build();
    }
  }

  /** The worker is attached to node 0; the JVM calculator lives on node 1 of a real Hazelcast cluster. */
  @Test
  void rpcBothWaysAcrossTheClusterWithRewrittenIdsAndPromptErrors() throws Exception {
    try (io.agentbus.testing.LocalCluster cluster = io.agentbus.testing.LocalCluster.start(2, "bridge_it")) {
      AgentRuntime rt = await(AgentRuntime.create(cluster.node(0), new AgentRuntimeOptions()));
      AgentRuntime other = await(AgentRuntime.create(cluster.node(1), new AgentRuntimeOptions()));
      await(other.register("javacalc", id -> new JavaCalc()));
      AgentRpcHost host = await(AgentRpcHost.start(rt, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)));
      Path file = Files.createTempFile("agentbus", ".py");
      try (var in = AutoGenWorkerIT.class.getResourceAsStream("/python/rpc_interop.py")) {
        Files.write(file, in.readAllBytes());
      }
      Process p = new ProcessBuilder(PythonEnv.python(), file.toString(), "127.0.0.1:" + host.port())
          .redirectError(new File("target/rpc_interop.stderr.log")).start();
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = r.readLine()) != null && !line.equals("READY")) {
        lines.add(line);
      }
      assertThat(lines).contains("JAVA_SUM 5", "JAVA_SUMS 0 2 4 6 8");
      assertThat(lines).anyMatch(l -> l.startsWith("UNKNOWN_ERROR") && l.contains("nobody"));
      // JVM -> Python: a record in, the worker's dataclass back (as JSON until the class is known)
      JsonPayload fromPython = await(rt.send(new Add(4, 5), new io.agentbus.agent.AgentId("pycalc", "k"), null, JsonPayload.class));
      assertThat(fromPython.type()).isEqualTo("Sum");
      assertThat(fromPython.data().getInteger("value")).isEqualTo(45);
      assertThat(await(rt.send(new Add(1, 2), new io.agentbus.agent.AgentId("pycalc", "k"), null, Sum.class))).isEqualTo(new Sum(12));
      // and from the other node, through the event bus and the bridge
      assertThat(await(other.send(new Add(3, 3), new io.agentbus.agent.AgentId("pycalc", "k"), null, Sum.class))).isEqualTo(new Sum(33));
      assertThat(other.localAgents()).contains(new io.agentbus.agent.AgentId("javacalc", "k"));
      p.getOutputStream().write('\n');
      p.getOutputStream().flush();
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(lines).contains("DONE");
      await(host.close());
      await(rt.close());
      await(other.close());
    }
  }

  record Who(int n) {
  }

  record Me(String worker) {
  }

  @Test
  void severalWorkersShareATypeWithStickyKeys() throws Exception {
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
      AgentRpcHost host = await(AgentRpcHost.start(rt, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)
          .setMultipleWorkersPerType(true)));
      Path file = Files.createTempFile("agentbus", ".py");
      try (var in = AutoGenWorkerIT.class.getResourceAsStream("/python/shared_type.py")) {
        Files.write(file, in.readAllBytes());
      }
      Process p = new ProcessBuilder(PythonEnv.python(), file.toString(), "127.0.0.1:" + host.port())
          .redirectError(new File("target/shared_type.stderr.log")).start();
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertThat(r.readLine()).isEqualTo("READY");
      java.util.Map<String, String> placed = new java.util.HashMap<>();
      for (int round = 0; round < 2; round++) {
        for (int k = 0; k < 20; k++) {
          Me me = await(rt.send(new Who(k), new io.agentbus.agent.AgentId("shared", "k" + k), null, Me.class));
          String previous = placed.putIfAbsent("k" + k, me.worker());
          if (previous != null) {
            assertThat(me.worker()).as("key k%d sticks to its worker", k).isEqualTo(previous);
          }
        }
      }
      assertThat(new java.util.HashSet<>(placed.values())).containsExactlyInAnyOrder("w1", "w2");
      // one prefix subscription in force for the type, shared by both workers
      assertThat(rt.subscriptions().stream().filter(s -> s.agentType().equals("shared")).count()).isEqualTo(1);
      p.getOutputStream().write('\n');
      p.getOutputStream().flush();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      io.agentbus.testing.Await.until("type withdrawn", java.time.Duration.ofSeconds(10),
          () -> rt.ownerOf(new io.agentbus.agent.AgentId("shared", "k0")) == null);
      assertThat(rt.subscriptions()).noneMatch(s -> s.agentType().equals("shared"));
      await(host.close());
      await(rt.close());
    } finally {
      await(node.close());
    }
  }
}
