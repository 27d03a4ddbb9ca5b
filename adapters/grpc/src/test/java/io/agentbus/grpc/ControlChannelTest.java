package io.agentbus.grpc;

import com.google.protobuf.Any;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.grpc.proto.AgentRpcGrpcClient;
import io.agentbus.grpc.proto.ControlMessage;
import io.agentbus.grpc.proto.Message;
import io.agentbus.grpc.proto.RegisterAgentTypeRequest;
import io.agentbus.grpc.proto.SaveStateRequest;
import io.agentbus.grpc.proto.SaveStateResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** Control messages (state save/load) routed between workers as AutoGen's host routes them. */
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
      holder.write(ControlMessage.newBuilder().setRpcId("hello").setDestination("clientid=nobody").build());
      List<ControlMessage> holderGot = new CopyOnWriteArrayList<>();
      await(holder.response().onSuccess(in -> in.handler(m -> {
        holderGot.add(m);
        if (m.getRpcMessage().is(SaveStateRequest.class)) {
          holder.write(ControlMessage.newBuilder().setRpcId(m.getRpcId()).setDestination(m.getRespondTo())
              .setRpcMessage(Any.pack(SaveStateResponse.newBuilder().setState("{\"count\": 3}").build())).build());
        }
      })));

      // worker "asker" asks for the state of keeper/k1 and names itself for the answer
      GrpcClientRequest<ControlMessage, ControlMessage> asker = await(client.request(addr, AgentRpcGrpcClient.OpenControlChannel));
      asker.headers().add("client-id", "asker");
      List<ControlMessage> askerGot = new CopyOnWriteArrayList<>();
      asker.write(ControlMessage.newBuilder().setRpcId("r1").setDestination("agentid=keeper/k1").setRespondTo("clientid=asker")
          .setRpcMessage(Any.pack(SaveStateRequest.newBuilder().build())).build());
      await(asker.response().onSuccess(in -> in.handler(askerGot::add)));

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
}
