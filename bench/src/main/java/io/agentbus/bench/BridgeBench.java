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
import java.util.Locale;

/**
 * The same AutoGen workers against AutoGen's own host (Python {@code GrpcWorkerAgentRuntimeHost})
 * and against the agentbus bridge on an embedded node, same run: first two unmodified Python
 * workers ({@code worker_bench.py}), then two Java {@link io.agentbus.grpc.WorkerClient}s in a child
 * JVM ({@link JavaWorkerBench}). Each measure follows a warm-up as long as itself on both hosts (a
 * JVM host compiles its hot paths in the first thousands of messages: after 2,000 the bridge's RPC
 * p99 was still 3× its warm value), and comes with the CPU time the host process spent per message
 * (from {@code /proc}: the workers and the host share the machine's cores, so what the host does
 * not spend, the workers get). Usage: {@code BridgeBench [pythonCount] [javaCount] [ours]}
 * ({@code ours}: only the bridge, for profiling); the interpreter comes from {@code AGENTBUS_PYTHON}
 * or {@code .venv/bin/python} (created by {@code scripts/test}).
 */
public final class BridgeBench {

  private BridgeBench() {
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int javaN = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    String python = System.getenv().getOrDefault("AGENTBUS_PYTHON", Path.of("..", ".venv", "bin", "python").toString());
    Path script = resource("worker_bench.py");
    String[] pythonWorkers = {python, script.toString()};

    boolean oursOnly = args.length > 2 && args[2].equals("ours");  // profiling our side: no reference run
    JsonObject refPython = new JsonObject();
    JsonObject refJava = new JsonObject();
    if (!oursOnly) {
      int refPort = freePort();
      Process ref = new ProcessBuilder(python, resource("reference_host.py").toString(), "127.0.0.1:" + refPort)
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      new BufferedReader(new InputStreamReader(ref.getInputStream(), StandardCharsets.UTF_8)).readLine();
      refPython = runWorkers(pythonWorkers, refPort, n, ref.pid());
      refJava = runWorkers(javaWorkers(), refPort, javaN, ref.pid());
      ref.getOutputStream().close();
      ref.destroy();
    }

    Node node = BrokerBench.await(Node.start(new NodeOptions()));
    AgentRuntime rt = BrokerBench.await(AgentRuntime.create(node, new AgentRuntimeOptions()));
    AgentRpcHost host = BrokerBench.await(AgentRpcHost.start(rt, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)));
    long self = ProcessHandle.current().pid();
    JsonObject ourPython = runWorkers(pythonWorkers, host.port(), n, self);
    JsonObject ourJava = runWorkers(javaWorkers(), host.port(), javaN, self);
    BrokerBench.await(host.close());
    BrokerBench.await(rt.close());
    BrokerBench.await(node.close());

    if (oursOnly) {
      System.out.println(ourPython.encodePrettily());
      System.out.println(ourJava.encodePrettily());
      System.exit(0);
    }
    table(String.format(Locale.ROOT, "Python AutoGen workers (autogen-ext[grpc]), %,d messages per measure", n), refPython, ourPython);
    table(String.format(Locale.ROOT, "Java WorkerClients in a child JVM, %,d messages per measure", javaN), refJava, ourJava);
    System.exit(0);
  }

  private static void table(String title, JsonObject ref, JsonObject ours) {
    BenchTable.print(title + ": AutoGen's host vs the agentbus bridge", "| measure | AutoGen host | agentbus bridge | ratio |",
        "|---|---:|---:|---:|", java.util.List.of(
            row("RPC p50 (ms)", ref, ours, "rpc_p50_ms"),
            row("RPC p99 (ms)", ref, ours, "rpc_p99_ms"),
            row("RPC throughput (req/s)", ref, ours, "rpc_per_s"),
            row("publish → subscriber (msgs/s)", ref, ours, "publish_per_s"),
            row("host CPU per sequential RPC (µs)", ref, ours, "rpc_seq_host_cpu_us"),
            row("host CPU per concurrent RPC (µs)", ref, ours, "rpc_host_cpu_us"),
            row("host CPU per published event (µs)", ref, ours, "publish_host_cpu_us")));
  }

  private static String row(String name, JsonObject ref, JsonObject ours, String key) {
    return String.format(Locale.ROOT, "| %s | %,.2f | %,.2f | %.2f× |", name, ref.getDouble(key), ours.getDouble(key),
        ours.getDouble(key) / ref.getDouble(key));
  }

  private static String[] javaWorkers() {
    return new String[] {Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), JavaWorkerBench.class.getName()};
  }

  /** Runs a worker program ({@code command port count warmup hostPid}) and returns its JSON line. */
  private static JsonObject runWorkers(String[] command, int port, int n, long hostPid) throws Exception {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(command));
    cmd.addAll(java.util.List.of("127.0.0.1:" + port,
        String.valueOf(n), String.valueOf(Math.max(2_000, n)), String.valueOf(hostPid)));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
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
