package io.agentbus.bench;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.grpc.AgentRpcHost;
import io.agentbus.grpc.AgentRpcHostOptions;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;

/**
 * The same Python AutoGen workers against AutoGen's own host and against the agentbus bridge, same
 * run. Usage: {@code BridgeBench [count]}; the interpreter comes from {@code AGENTBUS_PYTHON} or
 * {@code .venv/bin/python} (created by {@code .ci/run}).
 */
public final class BridgeBench {

  private BridgeBench() {
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    String python = System.getenv().getOrDefault("AGENTBUS_PYTHON", Path.of("..", ".venv", "bin", "python").toString());
    Path script = resource("worker_bench.py");

    int refPort = freePort();
    Process ref = new ProcessBuilder(python, resource("reference_host.py").toString(), "127.0.0.1:" + refPort)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    new BufferedReader(new InputStreamReader(ref.getInputStream(), StandardCharsets.UTF_8)).readLine();
    JsonObject reference = runWorkers(python, script, refPort, n);
    ref.getOutputStream().close();
    ref.destroy();

    Node node = BrokerBench.await(Node.start(new NodeOptions()));
    AgentRuntime rt = BrokerBench.await(AgentRuntime.create(node, new AgentRuntimeOptions()));
    AgentRpcHost host = BrokerBench.await(AgentRpcHost.start(rt, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)));
    JsonObject ours = runWorkers(python, script, host.port(), n);
    BrokerBench.await(host.close());
    BrokerBench.await(rt.close());
    BrokerBench.await(node.close());

    System.out.println();
    System.out.printf(Locale.ROOT, "AutoGen workers on AutoGen's host vs the agentbus bridge, %s, %d cores, %d messages%n%n",
        LocalDate.now(), Runtime.getRuntime().availableProcessors(), n);
    System.out.println("| measure | AutoGen host | agentbus bridge | ratio |");
    System.out.println("|---|---:|---:|---:|");
    row("RPC p50 (ms)", reference, ours, "rpc_p50_ms");
    row("RPC p99 (ms)", reference, ours, "rpc_p99_ms");
    row("RPC, 50 in flight (req/s)", reference, ours, "rpc_per_s");
    row("publish → subscriber (msgs/s)", reference, ours, "publish_per_s");
    System.exit(0);
  }

  private static void row(String name, JsonObject ref, JsonObject ours, String key) {
    System.out.printf(Locale.ROOT, "| %s | %,.2f | %,.2f | %.2f× |%n", name, ref.getDouble(key), ours.getDouble(key),
        ours.getDouble(key) / ref.getDouble(key));
  }

  private static JsonObject runWorkers(String python, Path script, int port, int n) throws Exception {
    Process p = new ProcessBuilder(python, script.toString(), "127.0.0.1:" + port, String.valueOf(n))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String last = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        last = line;
      }
    }
    p.waitFor();
    System.err.println("port " + port + ": " + last);
    return new JsonObject(last);
  }

  private static Path resource(String name) throws Exception {
    Path f = Files.createTempFile("agentbus-bench", ".py");
    try (var in = BridgeBench.class.getResourceAsStream("/python/" + name)) {
      Files.write(f, in.readAllBytes());
    }
    return f;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
