package io.agentbus.node;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.TopicId;
import io.agentbus.testing.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.sleep;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's message inspector on an embedded node running the market: a page asks on its
 * WebSocket for the channels of an environment (filtered by kind and agent) or for agent topics,
 * and gets the messages with their payloads; bad requests get a clear answer and cost nothing.
 */
class MessageInspectorTest {

  private static NodeMain.Running node;
  private static Vertx client;
  private static int port;

  /** What an application publishes on an agent topic. */
  public record Reading(String sensor, double value) {
  }

  @BeforeAll
  static void start() throws Exception {
    port = FreePorts.pick(1).get(0);
    node = await(NodeMain.start(NodeConfig.load(new String[] {"--http-port", String.valueOf(port), "--step-interval-ms", "100",
        "--microgrids", "4"}, Map.of())));
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    await(client.close());
    await(node.stop());
  }

  /** A page: everything it was sent, in order. */
  private static final class Page {
    final List<JsonObject> received = new CopyOnWriteArrayList<>();
    WebSocket ws;

    void send(JsonObject request) {
      await(ws.writeTextMessage(request.encode()));
    }

    JsonObject next(String type, Predicate<JsonObject> ok) {
      return until("a " + type + " frame", Duration.ofSeconds(15), () -> received.stream()
          .filter(m -> type.equals(m.getString("type")) && ok.test(m)).findFirst().orElse(null), m -> m != null);
    }

    List<JsonObject> inspected() {
      return received.stream().filter(m -> "inspected".equals(m.getString("type")))
          .flatMap(m -> m.getJsonArray("messages").stream().map(JsonObject.class::cast)).toList();
    }
  }

  private static Page open() {
    Page p = new Page();
    WebSocketClient ws = client.createWebSocketClient();
    p.ws = await(ws.webSocket().textMessageHandler(t -> p.received.add(new JsonObject(t))).connect(port, "127.0.0.1", "/ws"));
    return p;
  }

  @Test
  void theChannelsOfAnEnvironmentFilteredByKindAndAgentWithTheirPayloads() {
    Page page = open();
    // the snapshot offers the environments of this node
    JsonObject snapshot = page.next("snapshot", m -> true);
    assertThat(snapshot.getJsonObject("sections").getJsonObject("inspector").getJsonArray("environments"))
        .containsExactly("market");

    // the demo's own environment: the HERON channels of its steps, and its results channel with
    // each step's result as payload
    page.send(new JsonObject().put("type", "inspect").put("source", "channels").put("env", "market"));
    assertThat(page.next("inspecting", m -> true).getString("env")).isEqualTo("market");
    JsonObject result = until("a market result", Duration.ofSeconds(15), () -> page.inspected().stream()
        .filter(m -> "results".equals(m.getString("kind"))).findFirst().orElse(null), m -> m != null);
    until("the market's HERON traffic", Duration.ofSeconds(15), () -> page.inspected().stream()
        .map(m -> m.getString("kind")).collect(java.util.stream.Collectors.toSet()),
        kinds -> kinds.containsAll(List.of("broadcast", "action", "info", "peer", "results")));
    assertThat(page.inspected().stream().filter(m -> "broadcast".equals(m.getString("kind"))).findFirst().orElseThrow()
        .getString("payload")).contains("\"type\":\"price\"");
    assertThat(result.getString("source")).isEqualTo("channel");
    assertThat(result.getString("where")).contains("/market/results/");
    assertThat(result.getString("kind")).isEqualTo("results");
    assertThat(result.getString("type")).isEqualTo("RESULT");
    assertThat(new JsonObject(result.getString("payload")).fieldNames()).contains("step");
    assertThat(result.getInteger("bytes")).isEqualTo(result.getString("payload").length());

    // a HERON hierarchy's channels: actions down, infos up, between a coordinator and two fields
    io.agentbus.broker.MessageBroker broker = node.broker();
    io.agentbus.channel.Channels ch = broker.channels();
    await(broker.createChannel(ch.action("coordinator", "field1", "lab")));
    await(broker.createChannel(ch.action("coordinator", "field2", "lab")));
    await(broker.createChannel(ch.info("field1", "coordinator", "lab")));
    sleep(400);
    page.received.clear();
    page.send(new JsonObject().put("type", "inspect").put("source", "channels").put("env", "lab").put("kind", "action")
        .put("agent", "field1"));
    page.next("inspecting", m -> "action".equals(m.getString("kind")) && "field1".equals(m.getString("agent")));
    for (int i = 0; i < 3; i++) {
      await(broker.publish(ch.action("coordinator", "field1", "lab"), io.agentbus.message.Message.of("lab", "coordinator",
          "field1", i, io.agentbus.message.MessageType.ACTION, new JsonObject().put("setpoint", i))));
      await(broker.publish(ch.action("coordinator", "field2", "lab"), io.agentbus.message.Message.of("lab", "coordinator",
          "field2", i, io.agentbus.message.MessageType.ACTION, new JsonObject().put("setpoint", 10 + i))));
      await(broker.publish(ch.info("field1", "coordinator", "lab"), io.agentbus.message.Message.of("lab", "field1",
          "coordinator", i, io.agentbus.message.MessageType.INFO, new JsonObject().put("load", i))));
    }
    until("field1's three actions", Duration.ofSeconds(15), () -> page.inspected().size() >= 3);
    sleep(700);
    assertThat(page.inspected()).hasSize(3).allSatisfy(m -> {
      assertThat(m.getString("kind")).isEqualTo("action");
      assertThat(m.getString("recipient")).isEqualTo("field1");
      assertThat(m.getString("type")).isEqualTo("ACTION");
    });
    assertThat(page.inspected().stream().map(m -> new JsonObject(m.getString("payload")).getInteger("setpoint")))
        .containsExactly(0, 1, 2);

    // stopped: nothing more comes
    page.send(new JsonObject().put("type", "inspect-stop"));
    page.next("inspecting", m -> m.getValue("source") == null);
    sleep(700);
    int after = page.inspected().size();
    await(broker.publish(ch.action("coordinator", "field1", "lab"), io.agentbus.message.Message.of("lab", "coordinator",
        "field1", 9, io.agentbus.message.MessageType.ACTION, new JsonObject().put("setpoint", 9))));
    sleep(1_000);
    assertThat(page.inspected()).hasSize(after);
    await(page.ws.close());
  }

  @Test
  void agentTopicsByPrefixOnlyWhileSomeoneInspects() {
    node.runtime().payloadTypes().register(Reading.class);
    Page page = open();
    page.next("snapshot", m -> true);
    int subscriptionsBefore = node.runtime().subscriptions().size();
    page.send(new JsonObject().put("type", "inspect").put("source", "topics").put("topic", "sensors."));
    page.next("inspecting", m -> "sensors.".equals(m.getString("topic")));
    assertThat(node.runtime().subscriptions()).hasSize(subscriptionsBefore + 1);
    for (int i = 0; i < 5; i++) {
      await(node.runtime().publish(new Reading("t" + i, 20.5 + i), new TopicId("sensors.temperature", "hall"), null));
    }
    await(node.runtime().publish(new Reading("x", 1), new TopicId("other.topic", "hall"), null));
    until("five readings", Duration.ofSeconds(10), () -> page.inspected().size() >= 5);
    sleep(600);
    List<JsonObject> seen = page.inspected();
    assertThat(seen).hasSize(5).allSatisfy(m -> {
      assertThat(m.getString("source")).isEqualTo("topic");
      assertThat(m.getString("where")).isEqualTo("sensors.temperature/hall");
      assertThat(m.getString("type")).isEqualTo("Reading");
    });
    assertThat(new JsonObject(seen.get(4).getString("payload"))).isEqualTo(new JsonObject().put("sensor", "t4").put("value", 24.5));

    // the page goes: its subscription (and the tap's type) go with it
    await(page.ws.close());
    until("the tap's subscription removed", Duration.ofSeconds(10),
        () -> node.runtime().subscriptions().size() == subscriptionsBefore);
    AgentId tap = new AgentId("agentbus-inspector." + node.node().id(), "hall");
    until("the tap's type withdrawn", Duration.ofSeconds(10), () -> node.runtime().ownerOf(tap) == null);
  }

  @Test
  void allPagesTogetherTapAtMost32TopicPrefixes() {
    List<Page> pages = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 33; i++) {
        Page p = open();
        p.next("snapshot", m -> true);
        p.send(new JsonObject().put("type", "inspect").put("source", "topics").put("topic", "many" + i + "."));
        pages.add(p);
      }
      for (int i = 0; i < 32; i++) {
        pages.get(i).next("inspecting", m -> true);
      }
      assertThat(pages.get(32).next("inspect-error", m -> true).getString("message")).contains("already tap 32 topic prefixes");
      // a prefix already tapped costs nothing more: it is shared
      Page again = open();
      pages.add(again);
      again.next("snapshot", m -> true);
      again.send(new JsonObject().put("type", "inspect").put("source", "topics").put("topic", "many0."));
      again.next("inspecting", m -> "many0.".equals(m.getString("topic")));
    } finally {
      pages.forEach(p -> await(p.ws.close()));
    }
    until("every tapped prefix let go", Duration.ofSeconds(15), () -> node.runtime().subscriptions().stream()
        .noneMatch(x -> x.agentType().startsWith("agentbus-inspector.")));
  }

  @Test
  void badRequestsGetAClearAnswerAndAreBounded() {
    Page page = open();
    page.next("snapshot", m -> true);
    page.ws.writeTextMessage("not json");
    assertThat(page.next("inspect-error", m -> true).getString("message")).contains("JSON object");
    sleep(350);
    page.received.clear();
    page.send(new JsonObject().put("type", "inspect").put("source", "channels"));
    assertThat(page.next("inspect-error", m -> true).getString("message")).contains("environment");
    sleep(350);
    page.received.clear();
    page.send(new JsonObject().put("type", "inspect").put("source", "topics").put("topic", "bad topic\u0000"));
    assertThat(page.next("inspect-error", m -> true).getString("message")).isNotBlank();
    sleep(350);
    page.received.clear();
    page.send(new JsonObject().put("type", "inspect").put("source", "channels").put("env", "x".repeat(300)));
    assertThat(page.next("inspect-error", m -> true).getString("message")).contains("at most 256");
    sleep(350);
    page.received.clear();
    page.send(new JsonObject().put("type", "inspect").put("source", "nowhere"));
    assertThat(page.next("inspect-error", m -> true).getString("message")).contains("channels or topics");
    // requests faster than one per 300 ms are refused, not queued
    page.received.clear();
    sleep(350);
    for (int i = 0; i < 5; i++) {
      page.send(new JsonObject().put("type", "inspect").put("source", "channels").put("env", "market"));
    }
    until("answers to all five", Duration.ofSeconds(10), () -> page.received.stream()
        .filter(m -> m.getString("type").startsWith("inspect")).count() >= 5);
    assertThat(page.received.stream().filter(m -> "inspect-error".equals(m.getString("type"))).map(m -> m.getString("message")))
        .hasSizeGreaterThanOrEqualTo(3).allSatisfy(msg -> assertThat(msg).contains("too many"));
    // a page that never reads is bounded: at most 200 messages wait for it per tick (dropped ones are counted)
    JsonArray batch = until("a batch", Duration.ofSeconds(10), () -> page.received.stream()
        .filter(m -> "inspected".equals(m.getString("type"))).findFirst().map(m -> m.getJsonArray("messages")).orElse(null),
        b -> b != null);
    assertThat(batch.size()).isLessThanOrEqualTo(200);
    await(page.ws.close());
  }
}
