package io.agentbus.grpc;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.TopicId;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.agentbus.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * AutoGen's own limits on the bridge, with unmodified Python workers: messages up to 4 MiB pass,
 * a bigger one is refused alone with an error the worker sees (its channel stays open), and
 * hundreds of workers in one Python process (one HTTP/2 connection) all register and receive.
 */
class BridgeLimitsIT {

  private static Node node;
  private static AgentRuntime runtime;
  private static AgentRpcHost host;

  @BeforeAll
  static void start() {
    node = await(Node.start(new NodeOptions()));
    runtime = await(AgentRuntime.create(node, new AgentRuntimeOptions().setMaxPayloadBytes(16 * 1024 * 1024)));
    await(runtime.register("measure", id -> new Agent() {
      @Override
      public Handlers handlers() {
        return Handlers.builder().onJson("Blob", (json, ctx) ->
            new JsonPayload("Size", new JsonObject().put("value", json.getString("data").length()))).build();
      }
    }));
    host = await(AgentRpcHost.start(runtime, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)));
  }

  @AfterAll
  static void stop() {
    await(host.close());
    await(runtime.close());
    await(node.close());
  }

  private static Process python(String script, String... args) throws Exception {
    Path file = Files.createTempFile("agentbus", ".py");
    try (var in = BridgeLimitsIT.class.getResourceAsStream("/python/" + script)) {
      Files.write(file, in.readAllBytes());
    }
    List<String> cmd = new ArrayList<>(List.of(PythonEnv.python(), file.toString(), "127.0.0.1:" + host.port()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(new File("target/" + script + ".stderr.log")).start();
    // a worker that hangs must fail the test, not stall the build
    Thread watchdog = new Thread(() -> {
      try {
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException ignored) {
        p.destroyForcibly();
      }
    }, "watchdog-" + script);
    watchdog.setDaemon(true);
    watchdog.start();
    return p;
  }

  @Test
  void messagesUpTo4MiBPassAndABiggerOneIsRefusedAloneWithTheChannelOpen() throws Exception {
    Process p = python("big_messages.py");
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    System.out.println("BridgeLimitsIT: " + lines);
    assertThat(lines).contains("1MiB OK 1048576", "3.9MiB OK " + (int) (3.9 * 1024 * 1024), "after OK 10", "DONE");
    assertThat(lines).anyMatch(l -> l.startsWith("5MiB ERROR") && l.contains("4194304"));
  }

  @Test
  void fiveHundredWorkersInOneProcessRegisterAndEachReceivesAPublish() throws Exception {
    int count = 500;
    Process p = python("many_workers.py", String.valueOf(count));
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    try {
      assertThat(r.readLine()).isEqualTo("REGISTERED " + count);
      assertThat(host.workers()).hasSize(count);
      await(runtime.publish(new JsonPayload("Ping", new JsonObject().put("n", 1)), new TopicId("broadcast", "all"), null));
      p.getOutputStream().write('\n');
      p.getOutputStream().flush();
      assertThat(r.readLine()).isEqualTo("RECEIVED " + count);
      assertThat(r.readLine()).isEqualTo("DONE");
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aThousandWorkerStartsAndStopsDoNotCutOffAnotherWorkerOfTheProcess() throws Exception {
    Process p = python("churn.py", "1000");
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    try {
      String cycled = r.readLine();
      System.out.println("BridgeLimitsIT: " + cycled);
      assertThat(cycled).startsWith("CYCLED 1000");
      io.agentbus.testing.Await.until("the churning worker gone", java.time.Duration.ofSeconds(10),
          () -> runtime.ownerOf(new io.agentbus.agent.AgentId("churner", "default")) == null);
      await(runtime.publish(new JsonPayload("Ping", new JsonObject().put("n", 7)), new TopicId("churn", "x"), null));
      p.getOutputStream().write('\n');
      p.getOutputStream().flush();
      assertThat(r.readLine()).isEqualTo("RECEIVED 1");
      assertThat(r.readLine()).isEqualTo("DONE");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aPublishersMessageIdReachesWorkersAndJvmAgentsUnchanged() throws Exception {
    java.util.List<String> jvmSaw = new java.util.concurrent.CopyOnWriteArrayList<>();
    await(runtime.register("jvmreader", id -> new Agent() {
      @Override
      public Handlers handlers() {
        return Handlers.builder().onJson("Note", (json, ctx) -> {
          jvmSaw.add(ctx.messageId());
          return null;
        }).build();
      }
    }));
    await(runtime.addSubscription(new io.agentbus.agent.TypeSubscription("notes", "jvmreader")));
    Process p = python("message_ids.py");
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    try {
      assertThat(r.readLine()).isEqualTo("READY");
      p.getOutputStream().write('\n');
      p.getOutputStream().flush();
      assertThat(r.readLine()).isEqualTo("SEEN publisher-chosen-id-42");
      assertThat(r.readLine()).isEqualTo("DONE");
      io.agentbus.testing.Await.until("the JVM agent's copy", java.time.Duration.ofSeconds(10), () -> !jvmSaw.isEmpty());
      assertThat(jvmSaw).containsExactly("publisher-chosen-id-42");
    } finally {
      p.destroyForcibly();
    }
  }
}
