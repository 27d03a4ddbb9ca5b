package io.agentbus.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The browsers of {@link DashboardBench}, in a JVM of their own (so the node's CPU is the node's):
 * {@code count} WebSocket clients on a node's {@code /ws}, each reading every update; runs until
 * stdin closes, then prints the number of updates and bytes received.
 * Usage: {@code DashboardClients port count}.
 */
public final class DashboardClients {

  private DashboardClients() {
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int count = Integer.parseInt(args[1]);
    Vertx vertx = Vertx.vertx();
    AtomicLong updates = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    List<io.vertx.core.Future<?>> connected = new ArrayList<>();
    // kept reachable: Vert.x closes a client (and its connections) once nothing refers to it
    List<WebSocketClient> keep = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      WebSocketClient c = vertx.createWebSocketClient();
      keep.add(c);
      connected.add(c.webSocket().textMessageHandler(t -> {
        updates.incrementAndGet();
        bytes.addAndGet(t.length());
      }).connect(port, "127.0.0.1", "/ws"));
    }
    BrokerBench.await(io.vertx.core.Future.all(connected));
    System.out.println("CONNECTED " + count);
    System.out.flush();
    while (System.in.read() >= 0) {
      // until the bench closes our stdin
    }
    System.out.println("{\"clients\":" + keep.size() + ",\"updates\":" + updates.get() + ",\"bytes\":" + bytes.get() + "}");
    System.out.flush();
    System.exit(0);
  }
}
