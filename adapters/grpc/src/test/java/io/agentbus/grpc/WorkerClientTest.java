package io.agentbus.grpc;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.TopicId;
import io.agentbus.agent.TypeSubscription;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** Java workers ({@link WorkerClient}, in a Vert.x instance of their own) through the bridge. */
class WorkerClientTest {

  private Node node;
  private AgentRuntime runtime;
  private AgentRpcHost host;
  private Vertx workers;

  @BeforeEach
  void start() {
    node = await(Node.start(new NodeOptions()));
    runtime = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
    host = await(AgentRpcHost.start(runtime, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)));
    workers = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    await(workers.close());
    await(host.close());
    await(runtime.close());
    await(node.close());
  }

  private WorkerClient connect() {
    return await(WorkerClient.connect(workers, new WorkerClientOptions().setHost("127.0.0.1").setPort(host.port())));
  }

  @Test
  void everyEventPublishedFromAnyThreadReachesTheSubscribingWorker() {
    WorkerClient sub = connect();
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger received = new AtomicInteger();
    sub.onEvent((topic, payload) -> {
      seen.add(payload.data().getInteger("n"));
      received.incrementAndGet();
    });
    await(sub.registerAgentType("counter"));
    await(sub.addSubscription(new TypeSubscription("ticks", "counter")));
    WorkerClient pub = connect();
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      while (i - received.get() >= 256) {
        LockSupport.parkNanos(20_000);
      }
      pub.publish(new TopicId("ticks", "k"), null, new JsonPayload("Tick", new JsonObject().put("n", i)));
    }
    until("every event", Duration.ofSeconds(20), () -> received.get() >= n);
    assertThat(seen).hasSize(n);
    assertThat(host.workerStates()).allSatisfy(s -> assertThat(s.dropped()).isZero());
  }

  @Test
  void requestsFromAnotherWorkerAreAnsweredWithManyInFlight() {
    WorkerClient echo = connect();
    echo.onRequest((target, payload) -> Future.succeededFuture(new JsonPayload("Pong", payload.data())));
    await(echo.registerAgentType("echo"));
    WorkerClient call = connect();
    int n = 4_000;
    Future<?>[] replies = new Future<?>[n];
    for (int i = 0; i < n; i++) {
      replies[i] = call.send(new AgentId("echo", "k" + (i % 7)), null, new JsonPayload("Ping", new JsonObject().put("n", i)));
    }
    for (int i = 0; i < n; i++) {
      assertThat(((JsonPayload) await(replies[i])).data().getInteger("n")).isEqualTo(i);
    }
  }

  @Test
  void everyErrorPathOfTheJavaClientEndsInAClearError() {
    // nothing listening
    assertThat(awaitFailure(WorkerClient.connect(workers, new WorkerClientOptions().setHost("127.0.0.1").setPort(1))))
        .isNotNull();

    // a JVM agent that answers big, and one that fails
    await(runtime.register("jvm", id -> new Agent() {
      @Override
      public Handlers handlers() {
        return Handlers.builder()
            .onJson("Big", (json, ctx) -> new JsonPayload("Blob", new JsonObject().put("data", "x".repeat(json.getInteger("bytes")))))
            .onJson("Boom", (json, ctx) -> {
              throw new IllegalStateException("boom: " + json.getString("why"));
            }).build();
      }
    }));
    WorkerClient w = await(WorkerClient.connect(workers, new WorkerClientOptions().setHost("127.0.0.1").setPort(host.port())
        .setRpcTimeoutMillis(1_000)));
    AgentId jvm = new AgentId("jvm", "k");

    // replies up to AutoGen's 4 MiB reach the Java worker (a gRPC client's default limit is 256 KiB)
    JsonPayload big = await(w.send(jvm, null, new JsonPayload("Big", new JsonObject().put("bytes", 1024 * 1024))));
    assertThat(big.data().getString("data")).hasSize(1024 * 1024);
    JsonPayload bigger = await(w.send(jvm, null, new JsonPayload("Big", new JsonObject().put("bytes", 3_900_000))));
    assertThat(bigger.data().getString("data")).hasSize(3_900_000);
    // a request over the bridge's limit is refused alone, the channel stays open
    assertThat(awaitFailure(w.send(jvm, null, new JsonPayload("Big", new JsonObject().put("pad", "y".repeat(5 * 1024 * 1024))
        .put("bytes", 1))))).hasMessageContaining("limit");
    // the handler's failure, an unknown type, a type of another worker, a duplicate subscription
    assertThat(awaitFailure(w.send(jvm, null, new JsonPayload("Boom", new JsonObject().put("why", "on purpose")))))
        .hasMessageContaining("boom: on purpose");
    assertThat(awaitFailure(w.send(new AgentId("nosuchtype", "k"), null, new JsonPayload("Ping", new JsonObject()))))
        .hasMessageContaining("nosuchtype");
    await(w.registerAgentType("mine"));
    WorkerClient other = await(WorkerClient.connect(workers, new WorkerClientOptions().setHost("127.0.0.1").setPort(host.port())
        .setRpcTimeoutMillis(1_000)));
    assertThat(awaitFailure(other.registerAgentType("mine")))
        .hasMessageContaining("Agent type mine already registered with client " + w.clientId() + ".");
    await(w.addSubscription(new TypeSubscription("t", "mine", "sub-1")));
    assertThat(awaitFailure(w.addSubscription(new TypeSubscription("t", "mine", "sub-1")))).hasMessageContaining("Subscription already exists");

    // a worker without a request handler answers with an error; one that never answers times out
    assertThat(awaitFailure(other.send(new AgentId("mine", "k"), null, new JsonPayload("Ping", new JsonObject()))))
        .hasMessageContaining("no request handler");
    w.onRequest((target, payload) -> io.vertx.core.Promise.<JsonPayload>promise().future());
    assertThat(awaitFailure(other.send(new AgentId("mine", "k"), null, new JsonPayload("Ping", new JsonObject()))))
        .isInstanceOf(io.agentbus.agent.AgentTimeoutException.class).hasMessageContaining("mine/k");

    // calls in flight when the bridge goes away fail, and so does a closed client
    WorkerClient patient = await(WorkerClient.connect(workers, new WorkerClientOptions().setHost("127.0.0.1").setPort(host.port())
        .setRpcTimeoutMillis(30_000)));
    io.vertx.core.Promise<Void> reached = io.vertx.core.Promise.promise();
    w.onRequest((target, payload) -> {
      reached.tryComplete();
      return io.vertx.core.Promise.<JsonPayload>promise().future();
    });
    Future<JsonPayload> inFlight = patient.send(new AgentId("mine", "k2"), null, new JsonPayload("Ping", new JsonObject()));
    // in flight for real: at the worker (on a busy machine the bridge could otherwise be closing
    // before the call reached it, and refuse it for another reason: the type already withdrawn)
    await(reached.future());
    await(other.close());
    assertThat(awaitFailure(other.send(jvm, null, new JsonPayload("Big", new JsonObject().put("bytes", 1)))))
        .hasMessageContaining("closed");
    await(host.close());
    // either the bridge answers first (the worker hosting the target is withdrawn) or the channel goes
    assertThat(awaitFailure(inFlight)).hasMessageMatching(".*(the bridge closed the channel|worker .* disconnected).*");
    host = await(AgentRpcHost.start(runtime, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(0)));
  }
}
