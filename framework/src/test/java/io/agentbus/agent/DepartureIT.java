package io.agentbus.agent;

import io.agentbus.testing.LocalCluster;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.agentbus.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** A request in flight to a node that leaves fails at once, not after the caller's timeout. */
class DepartureIT {

  /** A request its agent never answers. */
  public record Wait() {
  }

  @Test
  void aRequestToADepartedNodeFailsAsSoonAsItLeaves() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(2, "departure_it")) {
      AgentRuntime r0 = await(AgentRuntime.create(cluster.node(0), new AgentRuntimeOptions().setNamespace("departure_it")));
      AgentRuntime r1 = await(AgentRuntime.create(cluster.node(1), new AgentRuntimeOptions().setNamespace("departure_it")));
      for (AgentRuntime r : java.util.List.of(r0, r1)) {
        await(r.register("hang", id -> new Agent() {
          @Override
          public Handlers handlers() {
            return Handlers.builder().onRequestAsync(Wait.class, (w, ctx) -> Promise.<Wait>promise().future()).build();
          }
        }));
      }
      String leaving = cluster.node(1).id();
      io.agentbus.testing.Await.until("both registrations seen", Duration.ofSeconds(20), () -> java.util.stream.IntStream
          .range(0, 40).anyMatch(k -> leaving.equals(r0.ownerOf(new AgentId("hang", "k" + k)))));
      AgentId there = java.util.stream.IntStream.range(0, 40).mapToObj(k -> new AgentId("hang", "k" + k))
          .filter(id -> leaving.equals(r0.ownerOf(id))).findFirst().orElseThrow();
      Future<Wait> inFlight = r0.send(new Wait(), there, null, Wait.class, 60_000);
      Thread.sleep(1_000);
      assertThat(inFlight.isComplete()).isFalse();
      long t0 = System.nanoTime();
      await(cluster.stop(1));  // the node leaves (its runtime never answers)
      Throwable failure = io.agentbus.testing.Await.awaitFailure(inFlight);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      System.out.printf("DepartureIT: the in-flight request failed %d ms after its node began to leave: %s%n", ms, failure);
      assertThat(failure).isInstanceOf(AgentUnavailableException.class).hasMessageContaining(leaving);
      // the next call goes to the new owner (the failure may come from the stopping node itself, a
      // moment before the membership change that moves the agent)
      io.agentbus.testing.Await.until("the agent's new owner", Duration.ofSeconds(10),
          () -> cluster.node(0).id().equals(r0.ownerOf(there)));
      await(r0.close());
    }
  }
}
