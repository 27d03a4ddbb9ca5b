package io.agentbus.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.StringValue;
import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.BytesPayload;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.TopicId;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Protobuf payloads between unmodified Python workers and JVM agents: type, content type and bytes
 * pass through the bridge unchanged, both ways, worker to worker too.
 */
class ProtobufPayloadsIT {

  private static BytesPayload string(String value) {
    return new BytesPayload("google.protobuf.StringValue", BytesPayload.PROTOBUF, Any.pack(StringValue.of(value)).toByteArray());
  }

  @Test
  void protobufMessagesCrossTheBridgeBothWays() throws Exception {
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
      List<String> jvmSaw = new CopyOnWriteArrayList<>();
      List<String> contentTypes = new CopyOnWriteArrayList<>();
      await(rt.register("jvmreader", id -> new Agent() {
        @Override
        public Handlers handlers() {
          return Handlers.builder().onBytes("google.protobuf.StringValue", (b, ctx) -> {
            try {
              contentTypes.add(b.contentType());
              jvmSaw.add(Any.parseFrom(b.data()).unpack(StringValue.class).getValue());
            } catch (Exception e) {
              jvmSaw.add("undecodable: " + e);
            }
            return null;
          }).build();
        }
      }));
      await(rt.addSubscription(new TypeSubscription("to_jvm", "jvmreader")));
      AgentRpcHost host = await(AgentRpcHost.start(rt, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)));

      Path file = Files.createTempFile("agentbus", ".py");
      try (var in = ProtobufPayloadsIT.class.getResourceAsStream("/python/protobuf_payloads.py")) {
        Files.write(file, in.readAllBytes());
      }
      Process p = new ProcessBuilder(PythonEnv.python(), file.toString(), "127.0.0.1:" + host.port())
          .redirectError(new File("target/protobuf_payloads.py.stderr.log")).start();
      try {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(r.readLine()).isEqualTo("READY");
        until("the workers' subscriptions", Duration.ofSeconds(10),
            () -> rt.subscriptions().stream().anyMatch(s -> s.agentType().equals("pyb")));

        // JVM → Python (event), Python → Python and Python → JVM (events)
        await(rt.publish(string("from-jvm"), new TopicId("to_py", "s"), null));
        assertThat(r.readLine()).isEqualTo("PYB echo:from-jvm");
        until("the JVM agent's copy", Duration.ofSeconds(10), () -> !jvmSaw.isEmpty());
        assertThat(jvmSaw).containsExactly("echo:from-jvm");
        assertThat(contentTypes).containsExactly(BytesPayload.PROTOBUF);

        // JVM → Python RPC with a protobuf request (AutoGen's runtime answers in JSON)
        Object reply = await(rt.send(string("ping"), new AgentId("pyecho", "rpc"), null, Object.class));
        assertThat(reply).isInstanceOf(JsonPayload.class);
        assertThat(((JsonPayload) reply).type()).isEqualTo("Ack");
        assertThat(((JsonPayload) reply).data().getString("text")).isEqualTo("pong:ping");

        p.getOutputStream().write('\n');
        p.getOutputStream().flush();
        assertThat(r.readLine()).isEqualTo("DONE");
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("see target/protobuf_payloads.py.stderr.log").isZero();
      } finally {
        p.destroyForcibly();
      }
      await(host.close());
      await(rt.close());
    } finally {
      await(node.close());
    }
  }
}
