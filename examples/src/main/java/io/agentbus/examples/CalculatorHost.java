package io.agentbus.examples;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.grpc.AgentRpcHost;
import io.agentbus.grpc.AgentRpcHostOptions;
import io.vertx.core.Future;

/**
 * A JVM agent that Python AutoGen workers call: a node with the gRPC bridge on 127.0.0.1 and a
 * {@code calculator} agent. Its reply is a record, so it travels as type {@code Sum} and the
 * Python worker, which registered a {@code Sum} dataclass, gets a {@code Sum} back (a bare
 * {@code JsonObject} would reach Python as {@code UnknownPayload}). See {@code examples/python/call_calculator.py}:
 * <pre>
 * mvn -q -f examples exec:java -Dexec.mainClass=io.agentbus.examples.CalculatorHost
 * .venv/bin/python examples/python/call_calculator.py localhost:50051
 * </pre>
 */
public final class CalculatorHost {

  /** What Python sends: its dataclass {@code Add(a: int, b: int)}. */
  public record Add(int a, int b) {
  }

  /** What Python gets back: its dataclass {@code Sum(value: int)}. */
  public record Sum(int value) {
  }

  /** Adds. */
  public static final class Calculator extends Agent {
    @Override
    public Handlers handlers() {
      return Handlers.builder().onRequest(Add.class, (add, ctx) -> new Sum(add.a() + add.b())).build();
    }
  }

  private final Node node;
  private final AgentRuntime runtime;
  private final AgentRpcHost bridge;

  private CalculatorHost(Node node, AgentRuntime runtime, AgentRpcHost bridge) {
    this.node = node;
    this.runtime = runtime;
    this.bridge = bridge;
  }

  /** Starts the node, the calculator and the bridge on {@code port} (0: any free port). */
  public static Future<CalculatorHost> start(int port) {
    return Node.start(new NodeOptions()).compose(node -> AgentRuntime.create(node, new AgentRuntimeOptions())
        .compose(rt -> rt.register("calculator", id -> new Calculator())
            .compose(v -> AgentRpcHost.start(rt, new AgentRpcHostOptions().setHost("127.0.0.1").setPort(port)))
            .map(bridge -> new CalculatorHost(node, rt, bridge))));
  }

  /** @return the bridge's port */
  public int port() {
    return bridge.port();
  }

  /** Stops the bridge, the runtime and the node. */
  public Future<Void> close() {
    return bridge.close().eventually(runtime::close).eventually(node::close);
  }

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : AgentRpcHostOptions.DEFAULT_PORT;
    CalculatorHost host = start(port).await();
    System.out.println("calculator ready: workers connect to 127.0.0.1:" + host.port() + " (Ctrl-C stops)");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> host.close().await()));
    Thread.currentThread().join();
  }
}
