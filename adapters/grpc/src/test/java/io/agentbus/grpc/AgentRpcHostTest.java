package io.agentbus.grpc;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.grpc.proto.AddSubscriptionRequest;
import io.agentbus.grpc.proto.AgentRpcGrpcClient;
import io.agentbus.grpc.proto.GetSubscriptionsRequest;
import io.agentbus.grpc.proto.GetSubscriptionsResponse;
import io.agentbus.grpc.proto.RegisterAgentTypeRequest;
import io.agentbus.grpc.proto.RemoveSubscriptionRequest;
import io.agentbus.grpc.proto.Subscription;
import io.agentbus.grpc.proto.TypeSubscription;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.agentbus.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The host's unary calls and their errors, driven by a Java gRPC client. */
class AgentRpcHostTest {

  private Node node;
  private AgentRuntime runtime;
  private AgentRpcHost host;
  private GrpcClient client;

  @BeforeEach
  void start() {
    node = await(Node.start(new NodeOptions()));
    runtime = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
    host = await(AgentRpcHost.start(runtime, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)));
    client = GrpcClient.client(node.vertx());
  }

  @AfterEach
  void stop() {
    await(client.close());
    await(host.close());
    await(runtime.close());
    await(node.close());
  }

  @Test
  void theBridgeReportsEachWorkersTypesSubscriptionsAndDrops() {
    WorkerClient w = await(WorkerClient.connect(node.vertx(), new WorkerClientOptions().setHost("127.0.0.1")
        .setPort(host.port()).setClientId("state-w1")));
    try {
      await(w.registerAgentType("reporter"));
      await(w.addSubscription(new io.agentbus.agent.TypeSubscription("reports", "reporter", "sub-reports")));
      io.agentbus.testing.Await.until("the worker's state", java.time.Duration.ofSeconds(5),
          () -> host.workerStates().size() == 1 && !host.workerStates().get(0).subscriptions().isEmpty());
      WorkerState s = host.workerStates().get(0);
      assertThat(s.clientId()).isEqualTo("state-w1");
      assertThat(s.types()).containsExactly("reporter");
      assertThat(s.subscriptions()).containsExactly("sub-reports");
      assertThat(s.rpcsToWorker()).isZero();
      assertThat(s.dropped()).isZero();
      assertThat(s.backpressured()).isFalse();
      assertThat(s.toJson().getJsonArray("types").getString(0)).isEqualTo("reporter");
    } finally {
      await(w.close());
    }
    io.agentbus.testing.Await.until("the worker gone", java.time.Duration.ofSeconds(5), () -> host.workerStates().isEmpty());
  }

  /** One unary call; returns the status and message. */
  private <Req, Resp> Future<GrpcClientResponse<Req, Resp>> call(ServiceMethod<Resp, Req> method, String clientId, Req body) {
    return client.request(SocketAddress.inetSocketAddress(host.port(), "127.0.0.1"), method).compose(req -> {
      if (clientId != null) {
        req.headers().add("client-id", clientId);
      }
      req.end(body);
      return req.response().compose(resp -> resp.last().otherwiseEmpty().map(v -> resp));
    });
  }

  @Test
  void aCallWithoutClientIdIsRejected() {
    var resp = await(call(AgentRpcGrpcClient.RegisterAgent, null, RegisterAgentTypeRequest.newBuilder().setType("t1").build()));
    assertThat(resp.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(resp.statusMessage()).isEqualTo("client-id metadata not found.");  // AutoGen's host's wording
    var empty = await(call(AgentRpcGrpcClient.RegisterAgent, "", RegisterAgentTypeRequest.newBuilder().setType("t1").build()));
    assertThat(empty.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(empty.statusMessage()).startsWith("client-id metadata is empty");
  }

  @Test
  void aCallTheRuntimeCannotServeIsNotReportedAsABadRequest() {
    // the runtime behind the bridge has closed (its node is stopping): the request was fine
    await(runtime.close());
    var refused = await(call(AgentRpcGrpcClient.RegisterAgent, "w1", RegisterAgentTypeRequest.newBuilder().setType("late").build()));
    assertThat(refused.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
    assertThat(refused.statusMessage()).contains("closed");
  }

  @Test
  void aTypeBelongsToOneWorkerAndInvalidTypesAreRefused() {
    var ok = await(call(AgentRpcGrpcClient.RegisterAgent, "w1", RegisterAgentTypeRequest.newBuilder().setType("shared").build()));
    assertThat(ok.status()).isEqualTo(GrpcStatus.OK);
    var dup = await(call(AgentRpcGrpcClient.RegisterAgent, "w2", RegisterAgentTypeRequest.newBuilder().setType("shared").build()));
    assertThat(dup.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(dup.statusMessage()).isEqualTo("Agent type shared already registered with client w1.");  // AutoGen's wording
    var bad = await(call(AgentRpcGrpcClient.RegisterAgent, "w1", RegisterAgentTypeRequest.newBuilder().setType("bad type").build()));
    assertThat(bad.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(bad.statusMessage()).contains("invalid agent type");
  }

  @Test
  void subscriptionsAreAddedListedRefusedWhenDuplicateAndRemoved() {
    Subscription s = Subscription.newBuilder().setId("sub-1")
        .setTypeSubscription(TypeSubscription.newBuilder().setTopicType("news").setAgentType("reader")).build();
    assertThat(await(call(AgentRpcGrpcClient.AddSubscription, "w1", AddSubscriptionRequest.newBuilder().setSubscription(s).build()))
        .status()).isEqualTo(GrpcStatus.OK);
    Subscription same = s.toBuilder().setId("sub-2").build();
    var dup = await(call(AgentRpcGrpcClient.AddSubscription, "w1", AddSubscriptionRequest.newBuilder().setSubscription(same).build()));
    assertThat(dup.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(dup.statusMessage()).isEqualTo("Subscription already exists");  // AutoGen's wording
    assertThat(runtime.subscriptions()).anyMatch(x -> x.id().equals("sub-1"));

    GetSubscriptionsResponse[] listed = new GetSubscriptionsResponse[1];
    await(client.request(SocketAddress.inetSocketAddress(host.port(), "127.0.0.1"), AgentRpcGrpcClient.GetSubscriptions)
        .compose(req -> {
          req.headers().add("client-id", "w1");
          req.end(GetSubscriptionsRequest.getDefaultInstance());
          return req.response().compose(GrpcClientResponse::last);
        }).onSuccess(r -> listed[0] = r));
    assertThat(listed[0].getSubscriptionsList()).anyMatch(x -> x.getId().equals("sub-1")
        && x.getTypeSubscription().getTopicType().equals("news"));

    assertThat(await(call(AgentRpcGrpcClient.RemoveSubscription, "w1", RemoveSubscriptionRequest.newBuilder().setId("sub-1").build()))
        .status()).isEqualTo(GrpcStatus.OK);
    assertThat(runtime.subscriptions()).noneMatch(x -> x.id().equals("sub-1"));
    var unknown = await(call(AgentRpcGrpcClient.RemoveSubscription, "w1", RemoveSubscriptionRequest.newBuilder().setId("nope").build()));
    assertThat(unknown.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(unknown.statusMessage()).isEqualTo("Subscription does not exist");  // AutoGen's wording
  }
}
