package io.agentbus.grpc;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
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
}
