package io.agentbus.grpc;

import com.google.protobuf.Any;
import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.JsonPayload;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.grpc.proto.AgentRpcGrpcClient;
import io.agentbus.grpc.proto.ControlMessage;
import io.agentbus.grpc.proto.Message;
import io.agentbus.grpc.proto.RegisterAgentTypeRequest;
import io.agentbus.grpc.proto.SaveStateRequest;
import io.agentbus.grpc.proto.SaveStateResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Control messages (state save/load) routed between workers as AutoGen's host routes them, and
 * state requests between JVM agents and workers' agents both ways.
 */
class ControlChannelTest {

  @Test
  void aSaveStateRequestReachesTheAgentsWorkerAndItsResponseComesBack() throws Exception {
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      AgentRpcHost host = await(AgentRpcHost.start(rt, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)
          .setMeterRegistry(meters)));
      GrpcClient client = GrpcClient.client(node.vertx());
      SocketAddress addr = SocketAddress.inetSocketAddress(host.port(), "127.0.0.1");

      // worker "holder" hosts agent type "keeper" and answers save-state requests on its control channel
      GrpcClientRequest<Message, Message> data = await(client.request(addr, AgentRpcGrpcClient.OpenChannel));
      data.headers().add("client-id", "holder");
      data.write(Message.getDefaultInstance());
      await(client.request(addr, AgentRpcGrpcClient.RegisterAgent).compose(req -> {
        req.headers().add("client-id", "holder");
        req.end(RegisterAgentTypeRequest.newBuilder().setType("keeper").build());
        return req.response().compose(GrpcClientResponse::last);
      }));
      GrpcClientRequest<ControlMessage, ControlMessage> holder = await(client.request(addr, AgentRpcGrpcClient.OpenControlChannel));
      holder.headers().add("client-id", "holder");
      List<ControlMessage> holderGot = new CopyOnWriteArrayList<>();
      Future<?> holderReady = holder.response().onSuccess(in -> in.handler(m -> {
        holderGot.add(m);
        if (m.getRpcMessage().is(SaveStateRequest.class)) {
          holder.write(ControlMessage.newBuilder().setRpcId(m.getRpcId()).setDestination(m.getRespondTo())
              .setRpcMessage(Any.pack(SaveStateResponse.newBuilder().setState("{\"count\": 3}").build())).build());
        }
      }));
      holder.write(ControlMessage.newBuilder().setRpcId("hello").setDestination("clientid=nobody").build());
      await(holderReady);

      // worker "asker" asks for the state of keeper/k1 and names itself for the answer
      GrpcClientRequest<ControlMessage, ControlMessage> asker = await(client.request(addr, AgentRpcGrpcClient.OpenControlChannel));
      asker.headers().add("client-id", "asker");
      List<ControlMessage> askerGot = new CopyOnWriteArrayList<>();
      // the handler is set on the event loop as the response's headers arrive, before its first message
      // (set from this thread after the request, it could miss an answer that came first)
      Future<?> askerReady = asker.response().onSuccess(in -> in.handler(askerGot::add));
      asker.write(ControlMessage.newBuilder().setRpcId("r1").setDestination("agentid=keeper/k1").setRespondTo("clientid=asker")
          .setRpcMessage(Any.pack(SaveStateRequest.newBuilder().build())).build());
      await(askerReady);

      until("the state answer", Duration.ofSeconds(10), () -> !askerGot.isEmpty());
      assertThat(holderGot).anyMatch(m -> m.getRpcId().equals("r1") && m.getRespondTo().equals("clientid=asker"));
      ControlMessage answer = askerGot.get(0);
      assertThat(answer.getRpcId()).isEqualTo("r1");
      assertThat(answer.getRpcMessage().unpack(SaveStateResponse.class).getState()).isEqualTo("{\"count\": 3}");
      // the undeliverable opener ("clientid=nobody") was counted, not delivered
      assertThat(meters.get("agentbus.bridge.dropped").tag("reason", "control_undeliverable").counter().count()).isEqualTo(1.0);
      await(host.close());
      await(client.close());
      await(rt.close());
    } finally {
      await(node.close());
    }
  }

  @Test
  void aJvmCallerAsksAWorkersAgentForItsStateAndHandsItOne() {
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
      AgentRpcHost host = await(AgentRpcHost.start(rt, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)
          .setRpcTimeoutMillis(2_000)));
      Map<AgentId, JsonObject> states = new ConcurrentHashMap<>();
      WorkerClient holder = await(WorkerClient.connect(node.vertx(), new WorkerClientOptions().setHost("127.0.0.1").setPort(host.port())));
      holder.onSaveState(agent -> agent.key().equals("broken") ? Future.failedFuture(new IllegalStateException("disk on fire"))
          : Future.succeededFuture(states.getOrDefault(agent, new JsonObject())));
      holder.onLoadState((agent, state) -> {
        states.put(agent, state);
        return Future.succeededFuture();
      });
      await(holder.registerAgentType("keeper"));
      states.put(new AgentId("keeper", "k1"), new JsonObject().put("count", 3));

      assertThat(await(rt.saveState(new AgentId("keeper", "k1")))).isEqualTo(new JsonObject().put("count", 3));
      await(rt.loadState(new AgentId("keeper", "k2"), new JsonObject().put("count", 4)));
      assertThat(states.get(new AgentId("keeper", "k2"))).isEqualTo(new JsonObject().put("count", 4));
      assertThat(awaitFailure(rt.saveState(new AgentId("keeper", "broken")))).hasMessageContaining("disk on fire");

      // another worker asks the first one's agent through the bridge's router
      WorkerClient other = await(WorkerClient.connect(node.vertx(), new WorkerClientOptions().setHost("127.0.0.1").setPort(host.port())));
      assertThat(await(other.saveState(new AgentId("keeper", "k2")))).isEqualTo(new JsonObject().put("count", 4));

      // a worker without a control channel (as AutoGen's Python worker) is refused at once, saying why
      GrpcClient client = GrpcClient.client(node.vertx());
      SocketAddress addr = SocketAddress.inetSocketAddress(host.port(), "127.0.0.1");
      GrpcClientRequest<Message, Message> mute = await(client.request(addr, AgentRpcGrpcClient.OpenChannel));
      mute.headers().add("client-id", "mute");
      mute.write(Message.getDefaultInstance());
      await(client.request(addr, AgentRpcGrpcClient.RegisterAgent).compose(req -> {
        req.headers().add("client-id", "mute");
        req.end(RegisterAgentTypeRequest.newBuilder().setType("silent").build());
        return req.response().compose(GrpcClientResponse::last);
      }));
      assertThat(awaitFailure(rt.saveState(new AgentId("silent", "k")))).hasMessageContaining("has no control channel open");

      // the bridge's own client id is not for workers
      assertThat(awaitFailure(WorkerClient.connect(node.vertx(), new WorkerClientOptions().setHost("127.0.0.1")
          .setPort(host.port()).setClientId("agentbus-bridge")))).hasMessageContaining("reserved");
      await(other.close());
      await(holder.close());
      await(client.close());
      await(host.close());
      await(rt.close());
    } finally {
      await(node.close());
    }
  }

  /** A JVM agent that keeps a count. */
  static final class Counter extends Agent {
    private int count;

    @Override
    public Handlers handlers() {
      return Handlers.builder().onJson("Inc", (json, ctx) -> new JsonPayload("Count",
          new JsonObject().put("count", count += json.getInteger("by")))).build();
    }

    @Override
    public JsonObject saveState() {
      return new JsonObject().put("count", count);
    }

    @Override
    public void loadState(JsonObject state) {
      count = state.getInteger("count");
    }
  }

  @Test
  void aWorkerAsksAJvmAgentForItsStateAndHandsItOne() {
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
      await(rt.register("jvmcounter", id -> new Counter()));
      AgentRpcHost host = await(AgentRpcHost.start(rt, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)));
      WorkerClient w = await(WorkerClient.connect(node.vertx(), new WorkerClientOptions().setHost("127.0.0.1").setPort(host.port())));
      AgentId a = new AgentId("jvmcounter", "a");
      await(w.send(a, null, new JsonPayload("Inc", new JsonObject().put("by", 2))));
      assertThat(await(w.saveState(a))).isEqualTo(new JsonObject().put("count", 2));

      await(w.loadState(new AgentId("jvmcounter", "b"), new JsonObject().put("count", 40)));
      JsonPayload after = await(w.send(new AgentId("jvmcounter", "b"), null, new JsonPayload("Inc", new JsonObject().put("by", 2))));
      assertThat(after.data().getInteger("count")).isEqualTo(42);

      // an unknown type is answered with the error, not left waiting
      assertThat(awaitFailure(w.saveState(new AgentId("nosuchtype", "k")))).hasMessageContaining("nosuchtype");
      await(w.close());
      await(host.close());
      await(rt.close());
    } finally {
      await(node.close());
    }
  }
}
