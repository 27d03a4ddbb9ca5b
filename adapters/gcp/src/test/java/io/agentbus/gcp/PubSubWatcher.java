package io.agentbus.gcp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static io.agentbus.testing.Await.until;

/**
 * Watches Pub/Sub topics on the emulator from outside the code under test, through the emulator's
 * REST API: ordered subscriptions, pulls that acknowledge what they return.
 */
public final class PubSubWatcher {

  private final HttpClient http = HttpClient.newHttpClient();
  private final String host;

  /** @param host {@code host:port} of the Pub/Sub emulator */
  public PubSubWatcher(String host) {
    this.host = host;
  }

  private String call(String method, String path, JsonObject body) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v1/projects/" + GcpEmulators.PROJECT
              + path)).method(method, HttpRequest.BodyPublishers.ofString(body.encode()))
          .header("content-type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Creates an ordered subscription to {@code topic} (of {@link GcpEmulators#PROJECT}). */
  public void subscribe(String subscription, String topic) {
    call("PUT", "/subscriptions/" + subscription, new JsonObject()
        .put("topic", "projects/" + GcpEmulators.PROJECT + "/topics/" + topic).put("enableMessageOrdering", true));
  }

  /** @return the messages waiting now (acknowledged), possibly none */
  public List<JsonObject> pullNow(String subscription) {
    JsonObject r = new JsonObject(call("POST", "/subscriptions/" + subscription + ":pull", new JsonObject().put("maxMessages", 100)
        .put("returnImmediately", true)));
    List<JsonObject> got = new ArrayList<>();
    JsonArray ack = new JsonArray();
    for (Object o : r.getJsonArray("receivedMessages", new JsonArray())) {
      ack.add(((JsonObject) o).getString("ackId"));
      got.add(((JsonObject) o).getJsonObject("message"));
    }
    if (!ack.isEmpty()) {
      call("POST", "/subscriptions/" + subscription + ":acknowledge", new JsonObject().put("ackIds", ack));
    }
    return got;
  }

  /** @return at least {@code atLeast} messages, pulled within 20 s, in arrival order */
  public List<JsonObject> pull(String subscription, int atLeast) {
    List<JsonObject> got = new ArrayList<>();
    until("messages on " + subscription, Duration.ofSeconds(20), () -> {
      got.addAll(pullNow(subscription));
      return got.size() >= atLeast;
    });
    return got;
  }

  /** @return a message's data as JSON */
  public static JsonObject data(JsonObject message) {
    return new JsonObject(new String(Base64.getDecoder().decode(message.getString("data")), StandardCharsets.UTF_8));
  }
}
