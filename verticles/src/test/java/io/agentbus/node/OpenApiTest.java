package io.agentbus.node;

import io.agentbus.llm.FakeOpenAi;
import io.agentbus.testing.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.agentbus.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/openapi.json}: a valid OpenAPI 3.1 document (checked by the Python
 * {@code openapi-spec-validator}, in the virtualenv of {@code AGENTBUS_PYTHON}) with every endpoint
 * of the {@code /api} index, each of which answers.
 */
class OpenApiTest {

  @Test
  void theDocumentIsValidAndListsEveryEndpointWhichAnswers() throws Exception {
    String python = System.getenv("AGENTBUS_PYTHON");
    assertThat(python).as("AGENTBUS_PYTHON (a virtualenv with openapi-spec-validator: run scripts/test)").isNotBlank();
    Vertx side = Vertx.vertx();
    FakeOpenAi model = FakeOpenAi.start(side);
    int port = FreePorts.pick(1).get(0);
    NodeMain.Running node = await(NodeMain.start(NodeConfig.load(new String[] {"--http-port", String.valueOf(port),
        "--verticles", "market,llm", "--llm-base-url", model.baseUrl()}, Map.of("AGENTBUS_HTTP_TOKEN", "t0ken-for-the-test"))));
    WebClient web = WebClient.create(side);
    try {
      JsonObject doc = await(web.get(port, "127.0.0.1", "/api/openapi.json").bearerTokenAuthentication("t0ken-for-the-test").send())
          .bodyAsJsonObject();
      JsonObject index = await(web.get(port, "127.0.0.1", "/api").bearerTokenAuthentication("t0ken-for-the-test").send())
          .bodyAsJsonObject();
      assertThat(doc.getString("openapi")).isEqualTo("3.1.0");
      for (Object o : index.getJsonArray("endpoints")) {
        JsonObject e = (JsonObject) o;
        String path = e.getString("path");
        assertThat(doc.getJsonObject("paths").getJsonObject(path)).as(path).isNotNull();
        assertThat(doc.getJsonObject("paths").getJsonObject(path).containsKey(e.getString("method").toLowerCase())).as(path).isTrue();
        if (e.getString("method").equals("GET")) {
          int status = await(web.get(port, "127.0.0.1", path.replace("{runId}", "none")).bearerTokenAuthentication("t0ken-for-the-test")
              .send()).statusCode();
          assertThat(status).as("GET " + path).isIn(200, 204, 404, 503);
          if (status == 404) {
            assertThat(path).as("only an unknown run is 404").contains("{runId}");
          }
        }
      }
      assertThat(doc.getJsonObject("paths").getJsonObject("/api/cluster").getJsonObject("get").getJsonArray("security")).isNotEmpty();
      assertThat(doc.getJsonObject("paths").getJsonObject("/health/live").getJsonObject("get").getJsonArray("security")).isEmpty();

      File file = File.createTempFile("openapi", ".json");
      Files.writeString(file.toPath(), doc.encode());
      Process p = new ProcessBuilder(python, "-c", "import json, sys\n"
          + "from openapi_spec_validator import validate\n"
          + "validate(json.load(open(sys.argv[1])))\nprint('VALID')", file.getAbsolutePath()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(out.trim()).as(out).isEqualTo("VALID");
    } finally {
      await(node.stop());
      model.close();
      await(side.close());
    }
  }
}
