package io.agentbus.grpc;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.grpc.proto.AddSubscriptionRequest;
import io.agentbus.grpc.proto.AgentRpcGrpcClient;
import io.agentbus.grpc.proto.cloudevents.CloudEvent;
import io.agentbus.grpc.proto.Message;
import io.agentbus.grpc.proto.RegisterAgentTypeRequest;
import io.agentbus.grpc.proto.Subscription;
import io.agentbus.grpc.proto.TypeSubscription;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** Events are forwarded, not rebuilt: the publisher's CloudEvent id and extension attributes reach every subscriber. */
class EventForwardingTest {

  private static CloudEvent.CloudEventAttributeValue attr(String s) {
    return CloudEvent.CloudEventAttributeValue.newBuilder().setCeString(s).build();
  }

  @Test
  void theEventIdAndExtensionAttributesTravelToWorkersAndJvmAgents() {
    Node node = await(Node.start(new NodeOptions()));
    try {
      AgentRuntime rt = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
      List<Map<String, String>> jvmMetadata = new CopyOnWriteArrayList<>();
      List<String> jvmIds = new CopyOnWriteArrayList<>();
      await(rt.register("jvmnews", id -> new io.agentbus.agent.Agent() {
        @Override
        public Handlers handlers() {
          return Handlers.builder().onJson("Note", (json, ctx) -> {
            jvmIds.add(ctx.messageId());
            jvmMetadata.add(ctx.metadata());
            return null;
          }).build();
        }
      }));
      await(rt.addSubscription(new io.agentbus.agent.TypeSubscription("news", "jvmnews")));
      AgentRpcHost host = await(AgentRpcHost.start(rt, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)));
      GrpcClient client = GrpcClient.client(node.vertx());
      SocketAddress addr = SocketAddress.inetSocketAddress(host.port(), "127.0.0.1");

      // the subscriber: a raw worker stream with a type subscribed to "news"
      GrpcClientRequest<Message, Message> sub = await(client.request(addr, AgentRpcGrpcClient.OpenChannel));
      sub.headers().add("client-id", "subscriber");
      sub.write(Message.getDefaultInstance());
      List<CloudEvent> received = new CopyOnWriteArrayList<>();
      GrpcClientResponse<Message, Message> incoming = await(sub.response());
      incoming.handler(m -> {
        if (m.hasCloudEvent()) {
          received.add(m.getCloudEvent());
        }
      });
      await(client.request(addr, AgentRpcGrpcClient.RegisterAgent).compose(req -> {
        req.headers().add("client-id", "subscriber");
        req.end(RegisterAgentTypeRequest.newBuilder().setType("newsreader").build());
        return req.response().compose(GrpcClientResponse::last);
      }));
      await(client.request(addr, AgentRpcGrpcClient.AddSubscription).compose(req -> {
        req.headers().add("client-id", "subscriber");
        req.end(AddSubscriptionRequest.newBuilder().setSubscription(Subscription.newBuilder().setId("n1")
            .setTypeSubscription(TypeSubscription.newBuilder().setTopicType("news").setAgentType("newsreader"))).build());
        return req.response().compose(GrpcClientResponse::last);
      }));

      // the publisher: another raw worker stream sending one event with trace context and an extension
      GrpcClientRequest<Message, Message> pub = await(client.request(addr, AgentRpcGrpcClient.OpenChannel));
      pub.headers().add("client-id", "publisher");
      String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
      pub.write(Message.newBuilder().setCloudEvent(CloudEvent.newBuilder().setId("evt-publisher-1").setSource("desk")
          .setSpecVersion("1.0").setType("news")
          .putAttributes("datacontenttype", attr("application/json")).putAttributes("dataschema", attr("Note"))
          .putAttributes("agagentsendertype", attr("editor")).putAttributes("agagentsenderkey", attr("e1"))
          .putAttributes("agmsgkind", attr("publish"))
          .putAttributes("traceparent", attr(traceparent)).putAttributes("region", attr("eu"))
          .setBinaryData(com.google.protobuf.ByteString.copyFrom("{\"text\":\"hi\"}", StandardCharsets.UTF_8))).build());

      until("the worker's copy", Duration.ofSeconds(10), () -> !received.isEmpty());
      CloudEvent got = received.get(0);
      assertThat(got.getId()).isEqualTo("evt-publisher-1");
      assertThat(got.getAttributesMap().get("traceparent").getCeString()).isEqualTo(traceparent);
      assertThat(got.getAttributesMap().get("region").getCeString()).isEqualTo("eu");
      assertThat(got.getAttributesMap().get("agagentsendertype").getCeString()).isEqualTo("editor");
      until("the JVM agent's copy", Duration.ofSeconds(10), () -> !jvmIds.isEmpty());
      assertThat(jvmIds).containsExactly("evt-publisher-1");
      assertThat(jvmMetadata.get(0)).containsEntry("traceparent", traceparent).containsEntry("region", "eu");
      await(host.close());
      await(client.close());
      await(rt.close());
    } finally {
      await(node.close());
    }
  }
}
