package io.agentbus.grpc;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.grpc.proto.AddSubscriptionRequest;
import io.agentbus.grpc.proto.AgentRpcGrpcClient;
import io.agentbus.grpc.proto.RegisterAgentTypeRequest;
import io.agentbus.grpc.proto.Subscription;
import io.agentbus.grpc.proto.TypeSubscription;
import io.agentbus.testing.TestCertificates;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bridge's access control (token, allowed networks, TLS, mutual TLS) and per-worker limits, with a Java gRPC client. */
class BridgeSecurityTest {

  private static final String TOKEN = "bridge-token-0123456789";
  private Node node;
  private AgentRuntime runtime;
  private final List<AgentRpcHost> hosts = new ArrayList<>();
  private final List<GrpcClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    node = await(Node.start(new NodeOptions()));
    runtime = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
  }

  @AfterEach
  void stop() {
    clients.forEach(c -> await(c.close()));
    hosts.forEach(h -> await(h.close()));
    await(runtime.close());
    await(node.close());
  }

  private AgentRpcHost host(AgentRpcHostOptions o) {
    AgentRpcHost h = await(AgentRpcHost.start(runtime, o.setHost("127.0.0.1").setPort(0)));
    hosts.add(h);
    return h;
  }

  private GrpcClient client(HttpClientOptions o) {
    GrpcClient c = GrpcClient.client(node.vertx(), o);
    clients.add(c);
    return c;
  }

  private static <Req, Resp> GrpcClientResponse<Req, Resp> call(GrpcClient client, AgentRpcHost host, ServiceMethod<Resp, Req> method,
                                                                String token, Req body) {
    return await(client.request(SocketAddress.inetSocketAddress(host.port(), "127.0.0.1"), method).compose(req -> {
      req.headers().add("client-id", "w1");
      if (token != null) {
        req.headers().add("authorization", "Bearer " + token);
      }
      req.end(body);
      return req.response().compose(resp -> resp.last().otherwiseEmpty().map(v -> resp));
    }));
  }

  private static RegisterAgentTypeRequest register(String type) {
    return RegisterAgentTypeRequest.newBuilder().setType(type).build();
  }

  @Test
  void withATokenEveryCallMustCarryIt() {
    AgentRpcHost h = host(new AgentRpcHostOptions().setToken(TOKEN));
    GrpcClient c = client(new HttpClientOptions().setHttp2ClearTextUpgrade(false));
    var none = call(c, h, AgentRpcGrpcClient.RegisterAgent, null, register("t1"));
    assertThat(none.status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
    assertThat(none.statusMessage()).contains("authorization: Bearer");
    var wrong = call(c, h, AgentRpcGrpcClient.RegisterAgent, "not-the-token-at-all", register("t1"));
    assertThat(wrong.status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
    assertThat(wrong.statusMessage()).contains("not this bridge's");
    assertThat(call(c, h, AgentRpcGrpcClient.RegisterAgent, TOKEN, register("t1")).status()).isEqualTo(GrpcStatus.OK);
  }

  @Test
  void anAllowListAdmitsItsNetworksAndRefusesTheRest() {
    AgentRpcHost inside = host(new AgentRpcHostOptions().setAllowedNetworks(List.of("127.0.0.0/8")));
    AgentRpcHost outside = host(new AgentRpcHostOptions().setAllowedNetworks(List.of("10.0.0.0/8", "fd00::/8")));
    GrpcClient c = client(new HttpClientOptions().setHttp2ClearTextUpgrade(false));
    assertThat(call(c, inside, AgentRpcGrpcClient.RegisterAgent, null, register("near")).status()).isEqualTo(GrpcStatus.OK);
    var refused = call(c, outside, AgentRpcGrpcClient.RegisterAgent, null, register("far"));
    assertThat(refused.status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
    assertThat(refused.statusMessage()).contains("127.0.0.1").contains("10.0.0.0/8");
    assertThatThrownBy(() -> new AgentRpcHostOptions().setAllowedNetworks(List.of("example.com")))
        .hasMessageContaining("not an IP network");
  }

  @Test
  void tlsWithATokenAndMutualTls() {
    TestCertificates ca = TestCertificates.newCa("bridge-test-ca");
    TestCertificates.Issued server = ca.issue("bridge");
    TestCertificates.Issued worker = ca.issue("java-worker");
    AgentRpcHost tls = host(new AgentRpcHostOptions().setToken(TOKEN).setTls(server.cert().toString(), server.key().toString()));
    HttpClientOptions trusting = new HttpClientOptions().setSsl(true).setUseAlpn(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(ca.caPath().toString()));
    GrpcClient c = client(trusting);
    assertThat(call(c, tls, AgentRpcGrpcClient.RegisterAgent, TOKEN, register("secure")).status()).isEqualTo(GrpcStatus.OK);
    assertThat(call(c, tls, AgentRpcGrpcClient.RegisterAgent, null, register("secure2")).status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
    // a plaintext client gets no gRPC answer from a TLS port
    GrpcClient plain = client(new HttpClientOptions().setHttp2ClearTextUpgrade(false));
    assertThat(awaitFailure(plain.request(SocketAddress.inetSocketAddress(tls.port(), "127.0.0.1"), AgentRpcGrpcClient.RegisterAgent)
        .compose(req -> {
          req.end(register("x"));
          return req.response().compose(GrpcClientResponse::last);
        }))).isNotNull();

    AgentRpcHost mutual = host(new AgentRpcHostOptions().setTls(server.cert().toString(), server.key().toString())
        .setTlsClientCaPath(ca.caPath().toString()));
    GrpcClient withCert = client(new HttpClientOptions(trusting.toJson()).setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(worker.cert().toString()).setKeyPath(worker.key().toString())));
    assertThat(call(withCert, mutual, AgentRpcGrpcClient.RegisterAgent, null, register("mtls")).status()).isEqualTo(GrpcStatus.OK);
    GrpcClient withoutCert = client(new HttpClientOptions(trusting.toJson()));
    Future<?> noCert = withoutCert.request(SocketAddress.inetSocketAddress(mutual.port(), "127.0.0.1"), AgentRpcGrpcClient.RegisterAgent)
        .compose(req -> {
          req.headers().add("client-id", "w2");
          req.end(register("mtls2"));
          return req.response().compose(GrpcClientResponse::last);
        });
    assertThat(awaitFailure(noCert)).isNotNull();
  }

  /** The JVM calculator a worker calls. */
  public record Add(int a, int b) {
  }

  public record Sum(int value) {
  }

  @Test
  void theJavaWorkerClientSpeaksTlsWithItsCertificateAndTheToken() {
    TestCertificates ca = TestCertificates.newCa("worker-test-ca");
    TestCertificates.Issued server = ca.issue("bridge");
    TestCertificates.Issued worker = ca.issue("java-worker");
    AgentRpcHost h = host(new AgentRpcHostOptions().setToken(TOKEN).setTls(server.cert().toString(), server.key().toString())
        .setTlsClientCaPath(ca.caPath().toString()));
    await(runtime.register("jvmcalc", id -> new io.agentbus.agent.Agent() {
      @Override
      public io.agentbus.agent.Handlers handlers() {
        return io.agentbus.agent.Handlers.builder().onRequest(Add.class, (a, ctx) -> new Sum(a.a() + a.b())).build();
      }
    }));
    WorkerClientOptions base = new WorkerClientOptions().setPort(h.port()).setClientId("java-w1")
        .setTls(ca.caPath().toString(), worker.cert().toString(), worker.key().toString());

    // without the token the bridge refuses the channel itself
    Throwable refused = awaitFailure(WorkerClient.connect(node.vertx(), new WorkerClientOptions().setPort(h.port())
        .setClientId("java-w0").setTls(ca.caPath().toString(), worker.cert().toString(), worker.key().toString())));
    assertThat(refused).hasMessageContaining("UNAUTHENTICATED");

    WorkerClient w = await(WorkerClient.connect(node.vertx(), base.setToken(TOKEN)));
    try {
      w.onRequest((target, payload) -> Future.succeededFuture(new io.agentbus.agent.JsonPayload("Sum",
          new io.vertx.core.json.JsonObject().put("value", payload.data().getInteger("a") * payload.data().getInteger("b")))));
      await(w.registerAgentType("javaworker"));
      // a JVM agent of the cluster calls the worker's agent
      Sum fromWorker = await(runtime.send(new Add(6, 7), new io.agentbus.agent.AgentId("javaworker", "k"), null, Sum.class));
      assertThat(fromWorker.value()).isEqualTo(42);
      // the worker calls a JVM agent
      io.agentbus.agent.JsonPayload reply = await(w.send(new io.agentbus.agent.AgentId("jvmcalc", "k"), null,
          new io.agentbus.agent.JsonPayload("Add", new io.vertx.core.json.JsonObject().put("a", 2).put("b", 3))));
      assertThat(reply.data().getInteger("value")).isEqualTo(5);
      // an unknown target is an error at once, not a timeout
      assertThat(awaitFailure(w.send(new io.agentbus.agent.AgentId("nobody", "k"), null,
          new io.agentbus.agent.JsonPayload("Add", new io.vertx.core.json.JsonObject())))).hasMessageContaining("nobody");
    } finally {
      await(w.close());
    }
  }

  @Test
  void aWorkerCannotRegisterOrSubscribeWithoutBound() {
    AgentRpcHost h = host(new AgentRpcHostOptions().setMaxTypesPerWorker(2).setMaxSubscriptionsPerWorker(2));
    GrpcClient c = client(new HttpClientOptions().setHttp2ClearTextUpgrade(false));
    assertThat(call(c, h, AgentRpcGrpcClient.RegisterAgent, null, register("a")).status()).isEqualTo(GrpcStatus.OK);
    assertThat(call(c, h, AgentRpcGrpcClient.RegisterAgent, null, register("b")).status()).isEqualTo(GrpcStatus.OK);
    var third = call(c, h, AgentRpcGrpcClient.RegisterAgent, null, register("c"));
    // a limit, not a bad request: the worker may retry once it has let go of something
    assertThat(third.status()).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);
    assertThat(third.statusMessage()).contains("maxTypesPerWorker");
    for (int i = 0; i < 3; i++) {
      Subscription s = Subscription.newBuilder().setId("s" + i)
          .setTypeSubscription(TypeSubscription.newBuilder().setTopicType("topic" + i).setAgentType("a")).build();
      var r = call(c, h, AgentRpcGrpcClient.AddSubscription, null, AddSubscriptionRequest.newBuilder().setSubscription(s).build());
      if (i < 2) {
        assertThat(r.status()).isEqualTo(GrpcStatus.OK);
      } else {
        assertThat(r.status()).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);
        assertThat(r.statusMessage()).contains("maxSubscriptionsPerWorker");
      }
    }
  }
}
