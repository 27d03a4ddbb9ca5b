package io.agentbus.grpc;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRpcException;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.JsonPayload;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.grpc.proto.AgentRpcGrpcClient;
import io.agentbus.grpc.proto.Message;
import io.agentbus.grpc.proto.Payload;
import io.agentbus.grpc.proto.RegisterAgentTypeRequest;
import io.agentbus.grpc.proto.RpcResponse;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static io.agentbus.testing.Await.sleep;
import static org.assertj.core.api.Assertions.assertThat;

/** A worker whose connection drops keeps its types within the grace period; RPCs wait for it. */
class ReconnectGraceTest {

  private Node node;
  private AgentRuntime runtime;
  private AgentRpcHost host;
  private SocketAddress addr;

  @BeforeEach
  void start() {
    node = await(Node.start(new NodeOptions()));
    runtime = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
    host = await(AgentRpcHost.start(runtime, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)
        .setReconnectGraceMillis(3_000)));
    addr = SocketAddress.inetSocketAddress(host.port(), "127.0.0.1");
  }

  @AfterEach
  void stop() {
    await(host.close());
    await(runtime.close());
    await(node.close());
  }

  /** A raw worker stream on its own connection that answers every request with {"worker": tag}. */
  private GrpcClientRequest<Message, Message> worker(GrpcClient client, String clientId, String tag) {
    GrpcClientRequest<Message, Message> channel = await(client.request(addr, AgentRpcGrpcClient.OpenChannel));
    channel.headers().add("client-id", clientId);
    // the handler is set on the event loop as the response arrives, before any message of it is
    // delivered: attached after the first write, from this thread, it could miss the first request
    Future<?> ready = channel.response().onSuccess(in -> in.handler(m -> {
      if (m.hasRequest()) {
        channel.write(Message.newBuilder().setResponse(RpcResponse.newBuilder().setRequestId(m.getRequest().getRequestId())
            .setPayload(Payload.newBuilder().setDataType("Who").setDataContentType("application/json")
                .setData(com.google.protobuf.ByteString.copyFrom("{\"worker\":\"" + tag + "\"}", StandardCharsets.UTF_8)))).build());
      }
    }));
    channel.write(Message.getDefaultInstance());
    await(ready);
    return channel;
  }

  private void register(GrpcClient client, String clientId, String type) {
    await(client.request(addr, AgentRpcGrpcClient.RegisterAgent).compose(req -> {
      req.headers().add("client-id", clientId);
      req.end(RegisterAgentTypeRequest.newBuilder().setType(type).build());
      return req.response().compose(GrpcClientResponse::last);
    }));
  }

  private Future<JsonPayload> ask() {
    return runtime.send(new JsonPayload("Ask", new JsonObject()), new AgentId("flaky", "k"), null, JsonPayload.class, 20_000);
  }

  @Test
  void aWorkerThatReconnectsWithinTheGraceKeepsItsTypesAndAnRpcWaitsForIt() {
    GrpcClient first = GrpcClient.client(node.vertx(), new HttpClientOptions().setHttp2ClearTextUpgrade(false));
    GrpcClientRequest<Message, Message> channel = worker(first, "w-flaky", "first");
    register(first, "w-flaky", "flaky");
    assertThat(await(ask()).data().getString("worker")).isEqualTo("first");

    channel.connection().close();  // the network drops: no end of stream
    sleep(300);
    assertThat(host.workers()).contains("w-flaky");
    Future<JsonPayload> waiting = ask();  // sent while the worker is away
    sleep(500);
    assertThat(waiting.isComplete()).isFalse();

    GrpcClient second = GrpcClient.client(node.vertx(), new HttpClientOptions().setHttp2ClearTextUpgrade(false));
    worker(second, "w-flaky", "second");
    assertThat(await(waiting).data().getString("worker")).isEqualTo("second");
    // its type was never withdrawn: no new registration was needed
    assertThat(runtime.ownerOf(new AgentId("flaky", "k"))).isNotNull();
    await(first.close());
    await(second.close());
  }

  @Test
  void aWorkerThatDoesNotComeBackIsWithdrawnAndWaitingRpcsFailClearly() {
    GrpcClient client = GrpcClient.client(node.vertx(), new HttpClientOptions().setHttp2ClearTextUpgrade(false));
    GrpcClientRequest<Message, Message> channel = worker(client, "w-gone", "only");
    register(client, "w-gone", "flaky");
    channel.connection().close();
    sleep(300);
    Throwable failure = awaitFailure(ask());
    assertThat(failure).isInstanceOf(AgentRpcException.class).hasMessageContaining("did not reconnect within 3000 ms");
    io.agentbus.testing.Await.until("the type withdrawn", java.time.Duration.ofSeconds(5),
        () -> runtime.ownerOf(new AgentId("flaky", "k")) == null);
    await(client.close());
  }
}
