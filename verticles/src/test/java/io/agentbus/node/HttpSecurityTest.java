package io.agentbus.node;

import io.agentbus.llm.FakeOpenAi;
import io.agentbus.testing.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node's HTTP server with a token: who may read, write and stream, and what bad requests get. */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class HttpSecurityTest {

  private static final String TOKEN = "0123456789abcdef-test-token";
  private static Vertx side;
  private static FakeOpenAi model;
  private static NodeMain.Running node;
  private static WebClient web;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    side = Vertx.vertx();
    model = FakeOpenAi.start(side);
    port = FreePorts.pick(1).get(0);
    Path tokenFile = Files.createTempFile("agentbus-token", ".txt");
    Files.writeString(tokenFile, TOKEN + "\n");
    NodeConfig config = NodeConfig.load(new String[] {"--http-port", String.valueOf(port), "--verticles", "market,llm",
        "--step-interval-ms", "200", "--llm-base-url", model.baseUrl(), "--llm-model", "m", "--llm-price", "0,0",
        "--http-token-file", tokenFile.toString(), "--llm-max-agents", "2"}, Map.of());
    node = await(NodeMain.start(config));
    web = WebClient.create(side, new WebClientOptions().setFollowRedirects(false));
  }

  @AfterAll
  static void stop() {
    await(node.stop());
    model.close();
    await(side.close());
  }

  private static HttpResponse<Buffer> get(String path, String authorization) {
    var req = web.get(port, "127.0.0.1", path);
    if (authorization != null) {
      req.putHeader("authorization", authorization);
    }
    return await(req.send());
  }

  @Test
  void theServerBindsToLoopbackByDefault() {
    assertThat(NodeConfig.load(new String[0], Map.of()).http().host()).isEqualTo("127.0.0.1");
    assertThat(NodeConfig.load(new String[] {"--http-host", "0.0.0.0"}, Map.of()).http().host()).isEqualTo("0.0.0.0");
    assertThat(NodeConfig.load(new String[0], Map.of("AGENTBUS_HTTP_TOKEN", TOKEN)).http().token()).isEqualTo(TOKEN);
    assertThatThrownBy(() -> NodeConfig.load(new String[0], Map.of("AGENTBUS_HTTP_TOKEN", "short")))
        .hasMessageContaining("shorter than 16");
    assertThatThrownBy(() -> NodeConfig.load(new String[] {"--http-token-file", "/nonexistent/token"}, Map.of()))
        .hasMessageContaining("httpTokenFile").hasMessageContaining("--http-token-file");
  }

  @Test
  void healthAndMetricsStayOpenEverythingElseNeedsTheToken() {
    assertThat(get("/health", null).statusCode()).isEqualTo(200);
    assertThat(get("/health/live", null).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> ready = get("/health/ready", null);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.bodyAsJsonObject().getBoolean("inClusterView")).isTrue();
    assertThat(get("/metrics", null).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> refused = get("/api/nodes", null);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.getHeader("www-authenticate")).startsWith("Bearer");
    assertThat(refused.bodyAsJsonObject().getString("error")).contains("Authorization: Bearer");
    assertThat(get("/api/nodes", "Bearer wrong-token-wrong-token").statusCode()).isEqualTo(401);
    assertThat(get("/api/nodes", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    assertThat(get("/", null).statusCode()).isEqualTo(401);
    assertThat(get("/ui/app.js", null).statusCode()).isEqualTo(401);
  }

  @Test
  void writesWithoutTheTokenAreRefusedAndActivateNothing() {
    int before = node.runtime().localAgents().size();
    int calls = model.received().size();
    HttpResponse<Buffer> r = await(web.post(port, "127.0.0.1", "/api/llm/run")
        .sendJsonObject(new JsonObject().put("message", "spend").put("agent", "intruder")));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(model.received()).hasSize(calls);
    assertThat(node.runtime().localAgents()).hasSize(before);
  }

  @Test
  void theBrowserGetsACookieForReadsButACookieNeverAuthorizesAWrite() {
    HttpResponse<Buffer> login = get("/?token=" + TOKEN, null);
    assertThat(login.statusCode()).isEqualTo(303);
    String cookie = login.cookies().stream().filter(c -> c.startsWith(HttpAccess.COOKIE + "=")).findFirst().orElseThrow();
    assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");
    String pair = cookie.substring(0, cookie.indexOf(';'));
    assertThat(await(web.get(port, "127.0.0.1", "/ui/index.html").putHeader("cookie", pair).send()).statusCode()).isEqualTo(200);
    assertThat(await(web.get(port, "127.0.0.1", "/api/nodes").putHeader("cookie", pair).send()).statusCode()).isEqualTo(200);
    assertThat(await(web.post(port, "127.0.0.1", "/api/llm/run").putHeader("cookie", pair)
        .sendJsonObject(new JsonObject().put("message", "x"))).statusCode()).isEqualTo(401);
    assertThat(get("/?token=wrong-token-wrong", null).statusCode()).isEqualTo(401);
  }

  @Test
  void theWebSocketNeedsTheTokenAndOurOrigin() {
    var ws = side.createWebSocketClient();
    WebSocketConnectOptions base = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws");
    assertThat(awaitFailure(ws.connect(new WebSocketConnectOptions(base.toJson()))).getMessage()).contains("401");
    WebSocketConnectOptions foreign = new WebSocketConnectOptions(base.toJson()).addHeader("authorization", "Bearer " + TOKEN)
        .addHeader("origin", "http://evil.example:" + port);
    assertThat(awaitFailure(ws.connect(foreign)).getMessage()).contains("403");
    WebSocketConnectOptions ours = new WebSocketConnectOptions(base.toJson()).addHeader("authorization", "Bearer " + TOKEN)
        .addHeader("origin", "http://127.0.0.1:" + port);
    await(await(ws.connect(ours)).close());
  }

  @Test
  void everyErrorIsAJsonBody() {
    HttpResponse<Buffer> missing = get("/api/nothing-here", "Bearer " + TOKEN);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.getHeader("content-type")).isEqualTo("application/json");
    assertThat(missing.bodyAsJsonObject().getInteger("status")).isEqualTo(404);
    HttpResponse<Buffer> wrongMethod = await(web.request(HttpMethod.DELETE, port, "127.0.0.1", "/api/nodes")
        .putHeader("authorization", "Bearer " + TOKEN).send());
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.bodyAsJsonObject().getString("error")).contains("DELETE");
    HttpResponse<Buffer> index = get("/api", "Bearer " + TOKEN);
    assertThat(index.bodyAsJsonObject().getBoolean("tokenRequired")).isTrue();
    assertThat(index.bodyAsJsonObject().getJsonArray("endpoints").stream().map(e -> ((JsonObject) e).getString("path")))
        .contains("/api/llm/run", "/api/market", "/health");
  }

  @Test
  void aFormBodyIsReadAsJsonAndABadOneGetsOneLine() {
    // what `curl -d '{"message": ...}'` sends: a form content type with a JSON body
    model.thenAnswer("hello", 5, 5);
    String big = "x".repeat(4_000);
    HttpResponse<Buffer> ok = await(web.post(port, "127.0.0.1", "/api/llm/run").putHeader("authorization", "Bearer " + TOKEN)
        .putHeader("content-type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer(new JsonObject().put("message", "hi " + big).put("agent", "form").encode())));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.bodyAsJsonObject().getString("exit")).isEqualTo("SATISFIED");

    HttpResponse<Buffer> notJson = await(web.post(port, "127.0.0.1", "/api/llm/run").putHeader("authorization", "Bearer " + TOKEN)
        .putHeader("content-type", "application/x-www-form-urlencoded").sendBuffer(Buffer.buffer("message=" + big)));
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.bodyAsJsonObject().getString("error")).contains("JSON object");

    HttpResponse<Buffer> tooBig = await(web.post(port, "127.0.0.1", "/api/llm/run").putHeader("authorization", "Bearer " + TOKEN)
        .sendJsonObject(new JsonObject().put("message", "y".repeat(70_000))));
    assertThat(tooBig.statusCode()).isEqualTo(413);
    // larger than the socket buffers: the node reads it to its end before answering, so the client gets the 413
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> huge = await(web.post(port, "127.0.0.1", "/api/llm/run").putHeader("authorization", "Bearer " + TOKEN)
          .sendJsonObject(new JsonObject().put("message", "z".repeat(4 * 1024 * 1024))));
      assertThat(huge.statusCode()).isEqualTo(413);
      assertThat(huge.bodyAsJsonObject().getString("error")).contains("more than the limit");
    }
  }

  @Test
  @org.junit.jupiter.api.Order(Integer.MAX_VALUE) // fills the node's cap of 2 assistants
  void newAgentKeysBeyondTheCapGet429AndActivateNothing() {
    for (int i = 0; i < 4; i++) {
      model.thenAnswer("ok", 1, 1);
    }
    String[] keys = {"cap-a", "cap-b", "cap-c", "cap-d"};
    int satisfied = 0;
    int capped = 0;
    for (String k : keys) {
      HttpResponse<Buffer> r = await(web.post(port, "127.0.0.1", "/api/llm/run").putHeader("authorization", "Bearer " + TOKEN)
          .sendJsonObject(new JsonObject().put("message", "hi").put("agent", k)));
      if (r.statusCode() == 200) {
        satisfied++;
      } else {
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.getHeader("retry-after")).isNotNull();
        assertThat(r.bodyAsJsonObject().getString("error")).contains("maxActive");
        assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("RESOURCE_EXHAUSTED");
        capped++;
      }
    }
    long assistants = node.runtime().localAgents().stream().filter(a -> a.type().equals(LlmSetup.ASSISTANT)).count();
    assertThat(assistants).isEqualTo(2);
    assertThat(satisfied + capped).isEqualTo(4);
    assertThat(capped).isGreaterThanOrEqualTo(2);
  }
}
