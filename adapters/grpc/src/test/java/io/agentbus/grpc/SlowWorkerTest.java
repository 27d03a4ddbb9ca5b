package io.agentbus.grpc;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRpcException;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.TopicId;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.grpc.proto.AddSubscriptionRequest;
import io.agentbus.grpc.proto.AgentRpcGrpcClient;
import io.agentbus.grpc.proto.Message;
import io.agentbus.grpc.proto.RegisterAgentTypeRequest;
import io.agentbus.grpc.proto.Subscription;
import io.agentbus.grpc.proto.TypeSubscription;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** A worker that stops reading: events to it are dropped and counted, RPCs to it fail at once. */
class SlowWorkerTest {

  @Test
  void aWorkerThatDoesNotReadIsNotAMemoryLeak() {
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      AgentRpcHost host = await(AgentRpcHost.start(rt, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)
          .setMaxQueuedBytesPerWorker(64 * 1024).setMeterRegistry(meters)));
      GrpcClient client = GrpcClient.client(node.vertx());
      SocketAddress addr = SocketAddress.inetSocketAddress(host.port(), "127.0.0.1");
      GrpcClientRequest<Message, Message> channel = await(client.request(addr, AgentRpcGrpcClient.OpenChannel));
      channel.headers().add("client-id", "slow");
      channel.write(Message.getDefaultInstance());
      GrpcClientResponse<Message, Message> incoming = await(channel.response());
      incoming.pause();  // never reads
      await(client.request(addr, AgentRpcGrpcClient.RegisterAgent).compose(req -> {
        req.headers().add("client-id", "slow");
        req.end(RegisterAgentTypeRequest.newBuilder().setType("slow").build());
        return req.response().compose(GrpcClientResponse::last);
      }));
      await(client.request(addr, AgentRpcGrpcClient.AddSubscription).compose(req -> {
        req.headers().add("client-id", "slow");
        req.end(AddSubscriptionRequest.newBuilder().setSubscription(Subscription.newBuilder().setId("s1")
            .setTypeSubscription(TypeSubscription.newBuilder().setTopicType("flood").setAgentType("slow"))).build());
        return req.response().compose(GrpcClientResponse::last);
      }));
      String blob = "x".repeat(4096);
      for (int i = 0; i < 5000; i++) {
        await(rt.publish(new JsonPayload("Blob", new JsonObject().put("i", i).put("blob", blob)), new TopicId("flood", "k"), null));
      }
      until("drops to be counted", Duration.ofSeconds(20),
          () -> meters.get("agentbus.bridge.dropped").tag("reason", "worker_backpressure").counter().count() > 0);
      Throwable err = awaitFailure(rt.send(new JsonPayload("Blob", new JsonObject()), new AgentId("slow", "k"), null));
      assertThat(err).isInstanceOf(AgentRpcException.class).hasMessageContaining("not keeping up");
      await(host.close());
      client.close();
      await(rt.close());
    } finally {
      await(node.close());
    }
  }
}
