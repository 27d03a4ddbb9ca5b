package io.agentbus.examples;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.TopicId;
import io.agentbus.agent.TypeSubscription;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A first agent, start to finish: an embedded node, a runtime on it, an agent type that answers a
 * request and publishes what it is told, a subscriber, one RPC and one publish. Run it with
 * {@code mvn -q -f examples exec:java} after the repository's build ({@code mvn -q -B install -DskipTests}).
 *
 * <p>A node joins a cluster instead with {@code new NodeOptions().setClustered(true)}; nothing
 * else in this program changes: agents are addressed by {@link AgentId} wherever they run.
 */
public final class FirstAgent {

  /** A request: the runtime names it by its simple name, "Ping" (AutoGen workers see the same name). */
  public record Ping(int n) {
  }

  /** The reply. */
  public record Pong(int n) {
  }

  /** Something worth telling everyone. */
  public record Greeting(String text) {
  }

  /** Answers pings; republishes greetings on the "seen" topic. */
  public static final class Echo extends Agent {
    @Override
    public Handlers handlers() {
      return Handlers.builder()
          .onRequest(Ping.class, (ping, ctx) -> new Pong(ping.n() + 1))
          .on(Greeting.class, (g, ctx) -> context().publish(new Greeting("echo: " + g.text()), new TopicId("seen", "k")))
          .build();
    }
  }

  /** Prints what it sees on the "seen" topic. */
  public static final class Printer extends Agent {
    private final PrintStream out;
    private final CountDownLatch seen;

    Printer(PrintStream out, CountDownLatch seen) {
      this.out = out;
      this.seen = seen;
    }

    @Override
    public Handlers handlers() {
      return Handlers.builder().on(Greeting.class, (g, ctx) -> {
        out.println(context().id() + " saw: " + g.text());
        seen.countDown();
      }).build();
    }
  }

  private FirstAgent() {
  }

  public static void main(String[] args) throws Exception {
    run(System.out);
    System.exit(0);
  }

  /** The whole example, printing to {@code out}. */
  public static void run(PrintStream out) throws Exception {
    Node node = Node.start(new NodeOptions()).await();
    AgentRuntime runtime = AgentRuntime.create(node, new AgentRuntimeOptions()).await();
    CountDownLatch seen = new CountDownLatch(1);
    try {
      runtime.register("echo", id -> new Echo()).await();
      runtime.register("printer", id -> new Printer(out, seen)).await();
      // every topic of type "seen" goes to printer/<topic source>
      runtime.addSubscription(new TypeSubscription("seen", "printer")).await();

      Pong pong = runtime.send(new Ping(41), new AgentId("echo", "alice"), null, Pong.class).await();
      out.println("echo/alice answered Pong(" + pong.n() + ")");

      runtime.send(new Greeting("hello"), new AgentId("echo", "alice"), null).await();
      if (!seen.await(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the greeting was not seen");
      }
    } finally {
      runtime.close().await();
      node.close().await();
    }
  }
}
