package io.agentbus.node;

import io.agentbus.testing.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's headless Chromium driven through its ChromeDriver over the W3C WebDriver protocol, so a
 * test waits for what the page shows (polling its DOM) instead of for a fixed render time.
 */
final class Browser implements AutoCloseable {

  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File DRIVER = new File("/usr/bin/chromedriver");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Process driver;
  private final String base;
  private String session;

  private Browser() throws Exception {
    assertThat(CHROMIUM).as("the dashboard test needs Chromium: apt-get install chromium chromium-driver (.ci/run does)").exists();
    assertThat(DRIVER).as("the dashboard test needs ChromeDriver: apt-get install chromium-driver (.ci/run does)").exists();
    int port = FreePorts.pick(1).get(0);
    driver = new ProcessBuilder(DRIVER.getPath(), "--port=" + port).redirectErrorStream(true)
        .redirectOutput(new File("target/chromedriver.log")).start();
    base = "http://127.0.0.1:" + port;
    until("ChromeDriver to be ready", Duration.ofSeconds(20), () -> {
      try {
        return call("GET", "/status", null).getJsonObject("value").getBoolean("ready", false);
      } catch (Exception e) {
        return false;
      }
    });
    JsonArray args = new JsonArray().add("--headless").add("--no-sandbox").add("--disable-gpu").add("--no-first-run")
        .add("--disable-background-networking").add("--disable-component-update").add("--disable-sync")
        .add("--disable-dev-shm-usage");
    JsonObject caps = new JsonObject().put("capabilities", new JsonObject().put("alwaysMatch", new JsonObject()
        .put("browserName", "chrome")
        .put("goog:chromeOptions", new JsonObject().put("binary", CHROMIUM.getPath()).put("args", args))));
    session = call("POST", "/session", caps).getJsonObject("value").getString("sessionId");
  }

  /** Starts ChromeDriver and a headless Chromium session. */
  static Browser start() throws Exception {
    return new Browser();
  }

  /** Opens a page. */
  void open(String url) throws Exception {
    call("POST", "/session/" + session + "/url", new JsonObject().put("url", url));
  }

  /** @return the page's DOM once it satisfies {@code condition}; fails with the last DOM after the timeout */
  String domWhen(String what, Duration timeout, Predicate<String> condition) {
    return io.agentbus.testing.Await.until(what, timeout, this::dom, condition);
  }

  /** Runs a script in the page (as a user's clicks and typing would act on it). */
  void run(String script) throws Exception {
    call("POST", "/session/" + session + "/execute/sync", new JsonObject().put("script", script).put("args", new JsonArray()));
  }

  /** @return the text of the element with that id, as the page shows it now */
  String text(String id) throws Exception {
    return call("POST", "/session/" + session + "/execute/sync", new JsonObject()
        .put("script", "return document.getElementById(arguments[0]).textContent;").put("args", new JsonArray().add(id)))
        .getString("value");
  }

  /** Saves what the page shows as a PNG (a test artifact under target/). */
  void screenshot(File png) throws Exception {
    String base64 = call("GET", "/session/" + session + "/screenshot", null).getString("value");
    java.nio.file.Files.write(png.toPath(), java.util.Base64.getDecoder().decode(base64));
  }

  private String dom() {
    try {
      return call("POST", "/session/" + session + "/execute/sync", new JsonObject()
          .put("script", "return document.documentElement.outerHTML;").put("args", new JsonArray())).getString("value");
    } catch (Exception e) {
      return "(no DOM: " + e + ")";
    }
  }

  private JsonObject call(String method, String path, JsonObject body) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    req = body == null ? req.method(method, HttpRequest.BodyPublishers.noBody())
        : req.method(method, HttpRequest.BodyPublishers.ofString(body.encode())).header("Content-Type", "application/json");
    HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    JsonObject json = new JsonObject(r.body());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("WebDriver " + method + " " + path + " -> " + r.statusCode() + ": " + json.encode());
    }
    return json;
  }

  @Override
  public void close() {
    try {
      if (session != null) {
        call("DELETE", "/session/" + session, null);
      }
    } catch (Exception ignored) {
      // the driver's exit below ends the browser too
    } finally {
      driver.destroy();
    }
  }
}
