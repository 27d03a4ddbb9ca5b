package io.agentbus.gcp;

import io.agentbus.llm.contract.EventSinkContract;
import io.agentbus.llm.events.EventSink;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.agentbus.testing.Await.await;

/** The Pub/Sub sink against the event-sink contract, watched through the emulator's REST API. */
class PubSubEventSinkContractIT extends EventSinkContract {

  private final HttpClient http = HttpClient.newHttpClient();
  private final String workspace = "ct" + UUID.randomUUID().toString().substring(0, 8);
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private GoogleCloud gcp;
  private EventSink sink;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    gcp = GoogleCloud.create(vertx, GcpEmulators.get().options().setWorkspace(workspace).setDeployment("contract"));
    sink = await(gcp.eventSink(null));
    rest("PUT", "/subscriptions/" + workspace + "-w1", new JsonObject().put("topic", topic(workspace)).put("enableMessageOrdering", true));
    rest("PUT", "/subscriptions/" + workspace + "-w2", new JsonObject().put("topic", topic(workspace + "-tools"))
        .put("enableMessageOrdering", true));
  }

  @AfterEach
  void stop() {
    await(sink.close());
    await(gcp.close());
    await(vertx.close());
  }

  private static String topic(String name) {
    return "projects/" + GcpEmulators.PROJECT + "/topics/" + name;
  }

  private String rest(String method, String path, JsonObject body) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + GcpEmulators.get().pubsubHost()
              + "/v1/projects/" + GcpEmulators.PROJECT + path)).method(method, HttpRequest.BodyPublishers.ofString(body.encode()))
          .header("content-type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException(method + " " + path + ": " + r.body());
      }
      return r.body();
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected EventSink sink() {
    return sink;
  }

  @Override
  protected List<Seen> seen() {
    for (String sub : List.of(workspace + "-w1", workspace + "-w2")) {
      JsonObject r = new JsonObject(rest("POST", "/subscriptions/" + sub + ":pull", new JsonObject().put("maxMessages", 100)
          .put("returnImmediately", true)));
      JsonArray ack = new JsonArray();
      for (Object o : r.getJsonArray("receivedMessages", new JsonArray())) {
        JsonObject m = ((JsonObject) o).getJsonObject("message");
        ack.add(((JsonObject) o).getString("ackId"));
        seen.add(new Seen(m.getJsonObject("attributes").getString("kind"),
            new JsonObject(new String(Base64.getDecoder().decode(m.getString("data")), StandardCharsets.UTF_8))));
      }
      if (!ack.isEmpty()) {
        rest("POST", "/subscriptions/" + sub + ":acknowledge", new JsonObject().put("ackIds", ack));
      }
    }
    return seen;
  }
}
