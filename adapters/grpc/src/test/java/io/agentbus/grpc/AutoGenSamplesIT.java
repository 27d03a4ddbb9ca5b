package io.agentbus.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.BytesPayload;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.TopicId;
import io.agentbus.agent.TypeSubscription;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.agentbus.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * AutoGen's own sample programs for its gRPC worker runtime ({@code python/samples/core_grpc_worker_runtime/}:
 * pub/sub, RPC, cascading across worker processes) and the Python side of its cross-language
 * sample, as test programs that do what they do, run with unmodified {@code autogen-ext[grpc]}
 * workers first against AutoGen's own host ({@code GrpcWorkerAgentRuntimeHost}) and then against
 * the bridge: each must print the same lines on both.
 */
class AutoGenSamplesIT {

  private static final List<String> SCRIPTS = List.of("quiet.py", "pub_sub.py", "rpc.py", "cascading.py", "xlang.py",
      "autogen_host.py");
  private static final String FROM_JVM = "Hello from the JVM, ";

  private static Path dir;
  private static Process autogenHost;
  private static int autogenPort;
  private static Node node;
  private static AgentRuntime runtime;
  private static AgentRpcHost bridge;
  private static final List<String> jvmHeard = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("agentbus-samples");
    for (String s : SCRIPTS) {
      try (var in = AutoGenSamplesIT.class.getResourceAsStream("/python/samples/" + s)) {
        Files.write(dir.resolve(s), in.readAllBytes());
      }
    }
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      autogenPort = free.getLocalPort();
    }
    autogenHost = new ProcessBuilder(PythonEnv.python(), dir.resolve("autogen_host.py").toString(), "127.0.0.1:" + autogenPort)
        .redirectError(new File("target/autogen_host.py.stderr.log")).start();
    assertThat(new BufferedReader(new InputStreamReader(autogenHost.getInputStream(), StandardCharsets.UTF_8)).readLine())
        .as("AutoGen's host starts; see target/autogen_host.py.stderr.log").isEqualTo("READY");

    node = await(Node.start(new NodeOptions()));
    runtime = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
    // the cross-language sample's other side: answers NewMessageReceived with an Output
    await(runtime.register("jvm_hello", id -> new Agent() {
      @Override
      public Handlers handlers() {
        return Handlers.builder().onBytes("agents.NewMessageReceived", (b, ctx) -> {
          String text;
          try {
            text = field1(Any.parseFrom(b.data()).getValue());
          } catch (IOException e) {
            throw new IllegalArgumentException("not a NewMessageReceived", e);
          }
          jvmHeard.add(text);
          context().publish(protobuf("agents.Output", FROM_JVM + text), new TopicId("agents.Output", "HelloAgents"));
          return null;
        }).build();
      }
    }));
    await(runtime.addSubscription(new TypeSubscription("HelloTopic", "jvm_hello")));
    bridge = await(AgentRpcHost.start(runtime, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (autogenHost != null) {
      autogenHost.getOutputStream().close();
      autogenHost.destroy();
      autogenHost.waitFor(10, TimeUnit.SECONDS);
    }
    if (bridge != null) {
      await(bridge.close());
      await(runtime.close());
    }
    if (node != null) {
      await(node.close());
    }
  }

  @Test
  void pubSubSamplePrintsTheSameOnBothHosts() throws Exception {
    List<String> theirs = run(autogenPort, "pub_sub.py");
    List<String> ours = run(bridge.port(), "pub_sub.py");
    assertThat(theirs).as("AutoGen's host").contains(
        "greeter unhandled: ReturnedFeedback(content='Returned feedback: Feedback: Returned greeting: Hello, Hello World!!')");
    assertThat(ours).containsExactlyInAnyOrderElementsOf(theirs);
  }

  @Test
  void rpcSamplePrintsTheSameOnBothHosts() throws Exception {
    List<String> theirs = run(autogenPort, "rpc.py");
    List<String> ours = run(bridge.port(), "rpc.py");
    assertThat(theirs).as("AutoGen's host").contains("Feedback received: Feedback: Received: Hello, Hello World!!");
    assertThat(ours).containsExactlyInAnyOrderElementsOf(theirs);
  }

  @Test
  void cascadingSampleAcrossThreeWorkerProcessesPrintsTheSameOnBothHosts() throws Exception {
    List<String> theirs = cascade(autogenPort);
    List<String> ours = cascade(bridge.port());
    // three agents, three rounds: 3 first-round deliveries, each reply reaches the two others
    assertThat(theirs).as("AutoGen's host").hasSize(3 + 6 + 12);
    assertThat(ours).containsExactlyInAnyOrderElementsOf(theirs);
  }

  @Test
  void crossLanguageSamplesPythonSidePrintsTheSameOnBothHostsAndHearsTheJvm() throws Exception {
    List<String> theirs = handshake(autogenPort, "xlang.py");
    List<String> ours = handshake(bridge.port(), "xlang.py");
    assertThat(theirs).as("AutoGen's host").contains(
        "HelloAgent/HelloAgents/python unhandled agents.NewMessageReceived: from Python!",
        "HelloAgent/HelloAgents output: ^v^v^v---Wild Hello from Python!---^v^v^v");
    String jvmLine = "HelloAgent/HelloAgents output: " + FROM_JVM + "from Python!";
    assertThat(ours).as("the JVM agent's protobuf answer reaches the Python agent").contains(jvmLine);
    assertThat(ours.stream().filter(l -> !l.equals(jvmLine)).toList()).containsExactlyInAnyOrderElementsOf(theirs);
    assertThat(jvmHeard).containsExactly("from Python!");
  }

  /** Three cascading workers (each its own process), then the publisher; the publisher's report. */
  private static List<String> cascade(int port) throws Exception {
    List<Process> workers = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Process w = start(port, "cascading.py", "worker");
        assertThat(new BufferedReader(new InputStreamReader(w.getInputStream(), StandardCharsets.UTF_8)).readLine())
            .isEqualTo("READY");
        workers.add(w);
      }
      return run(port, "cascading.py", "publisher");
    } finally {
      for (Process w : workers) {
        try (OutputStream in = w.getOutputStream()) {
          in.write('\n');
        } catch (IOException ignored) {
          // already gone
        }
        if (!w.waitFor(20, TimeUnit.SECONDS)) {
          w.destroyForcibly();
        }
      }
    }
  }

  private static Process start(int port, String script, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    try {
      cmd.add(PythonEnv.python());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    cmd.add(dir.resolve(script).toString());
    if (args.length > 0) {
      cmd.addAll(List.of(args));
    }
    cmd.add("127.0.0.1:" + port);
    return new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectError(new File("target/" + script + "." + port + ".stderr.log")).start();
  }

  /** Runs a sample to its end and returns what it printed before {@code DONE}. */
  private static List<String> run(int port, String script, String... args) throws Exception {
    return collect(start(port, script, args), script, false);
  }

  /** Runs a sample that prints READY and waits for a line on stdin before it publishes. */
  private static List<String> handshake(int port, String script) throws Exception {
    return collect(start(port, script), script, true);
  }

  private static List<String> collect(Process p, String script, boolean handshake) throws Exception {
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      if (handshake) {
        assertThat(r.readLine()).isEqualTo("READY");
        p.getOutputStream().write('\n');
        p.getOutputStream().flush();
      }
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(script + " ends").isTrue();
    assertThat(p.exitValue()).as(script + " exit code; see target/" + script + ".*.stderr.log").isZero();
    assertThat(lines).as(script + " reports to its end").endsWith("DONE");
    return lines.subList(0, lines.size() - 1);
  }

  private static String field1(ByteString message) throws IOException {
    return UnknownFieldSet.parseFrom(message).getField(1).getLengthDelimitedList().get(0).toStringUtf8();
  }

  private static BytesPayload protobuf(String type, String message) {
    ByteString value = UnknownFieldSet.newBuilder()
        .addField(1, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(message)).build())
        .build().toByteString();
    return new BytesPayload(type, BytesPayload.PROTOBUF,
        Any.newBuilder().setTypeUrl("type.googleapis.com/" + type).setValue(value).build().toByteArray());
  }
}
