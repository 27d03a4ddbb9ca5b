package io.agentbus.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The browsers of {@link DashboardBench}, in a JVM of their own (so the node's CPU is the node's):
 * {@code count} WebSocket clients on a node's {@code /ws}, each reading every update, connected at
 * each {@code open} line on stdin and closed at each {@code close} (so that the bench can alternate
 * with and without them); when stdin closes it prints the number of updates and bytes received.
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
    // kept reachable: Vert.x closes a client (and its connections) once nothing refers to it
    List<WebSocketClient> keep = new ArrayList<>();
    List<io.vertx.core.http.WebSocket> open = new ArrayList<>();
    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.equals("open")) {
        List<io.vertx.core.Future<io.vertx.core.http.WebSocket>> connected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          WebSocketClient c = vertx.createWebSocketClient();
          keep.add(c);
          connected.add(c.webSocket().textMessageHandler(t -> {
            updates.incrementAndGet();
            bytes.addAndGet(t.length());
          }).connect(port, "127.0.0.1", "/ws"));
        }
        connected.forEach(f -> open.add(BrokerBench.await(f)));
        System.out.println("CONNECTED " + count);
      } else if (line.equals("close")) {
        open.forEach(w -> BrokerBench.await(w.close()));
        open.clear();
        keep.forEach(WebSocketClient::close);
        keep.clear();
        System.out.println("CLOSED");
      }
      System.out.flush();
    }
    System.out.println("{\"clients\":" + count + ",\"updates\":" + updates.get() + ",\"bytes\":" + bytes.get() + "}");
    System.out.flush();
    System.exit(0);
  }
}
