package io.agentbus.gcp;

import io.agentbus.testing.FreePorts;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real backends for tests: the Firestore and Pub/Sub emulators of the Google Cloud CLI and
 * fake-gcs-server (Cloud Storage), started once per test JVM on free loopback ports and stopped by
 * a shutdown hook. A missing emulator fails with the path that was looked for.
 *
 * <p>Where things are found: the SDK from {@code gcloud info} (or {@code GCLOUD_SDK_ROOT});
 * fake-gcs-server from {@code FAKE_GCS_SERVER}, else {@code $(go env GOPATH)/bin}, else the PATH
 * ({@code scripts/test} installs it with {@code go install}).
 */
public final class GcpEmulators {

  /** The project every test uses. */
  public static final String PROJECT = "agentbus-test";

  private static GcpEmulators instance;

  private final List<Process> processes = new ArrayList<>();
  private final String firestoreHost;
  private final String pubsubHost;
  private final String storageUrl;

  private GcpEmulators() throws IOException, InterruptedException {
    String sdk = sdkRoot();
    List<Integer> ports = FreePorts.pick(3);
    firestoreHost = "127.0.0.1:" + ports.get(0);
    pubsubHost = "127.0.0.1:" + ports.get(1);
    storageUrl = "http://127.0.0.1:" + ports.get(2);
    Path firestoreJar = Path.of(sdk, "platform/cloud-firestore-emulator/cloud-firestore-emulator.jar");
    Path pubsubJar = Path.of(sdk, "platform/pubsub-emulator/lib/cloud-pubsub-emulator-0.8.20-all.jar");
    for (Path p : List.of(firestoreJar, pubsubJar)) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalStateException("emulator not found at " + p + " (install the Google Cloud CLI with its emulators)");
      }
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    start("firestore", java, "-Xmx512m", "-Duser.language=en", "-cp", firestoreJar.toString(),
        "com.google.cloud.datastore.emulator.firestore.CloudFirestore", "start", "--host=127.0.0.1", "--port=" + ports.get(0));
    start("pubsub", java, "-Xmx512m", "-jar", pubsubJar.toString(), "--host=127.0.0.1", "--port=" + ports.get(1));
    start("fake-gcs-server", fakeGcsServer(), "-scheme", "http", "-host", "127.0.0.1", "-port", String.valueOf(ports.get(2)),
        "-backend", "memory", "-public-host", "127.0.0.1:" + ports.get(2), "-log-level", "error");
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "gcp-emulators-stop"));
    awaitHttp("firestore", "http://" + firestoreHost + "/");
    awaitHttp("pubsub", "http://" + pubsubHost + "/v1/projects/" + PROJECT + "/topics");
    awaitHttp("fake-gcs-server", storageUrl + "/storage/v1/b?project=" + PROJECT);
  }

  /** @return the emulators, started on first use */
  public static synchronized GcpEmulators get() {
    if (instance == null) {
      try {
        instance = new GcpEmulators();
      } catch (IOException e) {
        throw new IllegalStateException("could not start the GCP emulators: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return instance;
  }

  /** @return options for {@link #PROJECT} on these emulators */
  public GcpOptions options() {
    return new GcpOptions().setProject(PROJECT).setFirestoreEmulatorHost(firestoreHost).setPubSubEmulatorHost(pubsubHost)
        .setStorageEmulatorHost(storageUrl);
  }

  /** @return {@code host:port} of the Firestore emulator */
  public String firestoreHost() {
    return firestoreHost;
  }

  /** @return {@code host:port} of the Pub/Sub emulator */
  public String pubsubHost() {
    return pubsubHost;
  }

  /** @return the base URL of fake-gcs-server */
  public String storageUrl() {
    return storageUrl;
  }

  private void start(String name, String... command) throws IOException {
    File log = File.createTempFile("agentbus-" + name + "-", ".log");
    log.deleteOnExit();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    processes.add(p);
  }

  private void awaitHttp(String name, String url) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(2000);
        int code = c.getResponseCode();
        c.disconnect();
        if (code < 500) {
          return;
        }
      } catch (IOException e) {
        last = e;
      }
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException(name + " emulator exited with " + p.exitValue() + " before it was ready");
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " emulator not ready at " + url + " within 30 s: " + last);
  }

  private void stop() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String sdkRoot() throws IOException, InterruptedException {
    String env = System.getenv("GCLOUD_SDK_ROOT");
    if (env != null && !env.isBlank()) {
      return env;
    }
    Process p = new ProcessBuilder("gcloud", "info", "--format=value(installation.sdk_root)").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    if (p.waitFor() != 0 || out.isEmpty()) {
      throw new IllegalStateException("the Google Cloud CLI is not installed ('gcloud info' said: " + out + ")");
    }
    return out.lines().reduce((a, b) -> b).orElse(out);
  }

  private static String fakeGcsServer() throws IOException, InterruptedException {
    String env = System.getenv("FAKE_GCS_SERVER");
    List<Path> candidates = new ArrayList<>();
    if (env != null && !env.isBlank()) {
      candidates.add(Path.of(env));
    }
    try {
      Process p = new ProcessBuilder("go", "env", "GOPATH").redirectErrorStream(true).start();
      String gopath = new String(p.getInputStream().readAllBytes()).trim();
      if (p.waitFor(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS) && !gopath.isEmpty()) {
        candidates.add(Path.of(gopath.split(File.pathSeparator)[0], "bin", "fake-gcs-server"));
      }
    } catch (IOException ignored) {
      // no go on the PATH: look on the PATH itself
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      candidates.add(Path.of(dir, "fake-gcs-server"));
    }
    for (Path c : candidates) {
      if (Files.isExecutable(c)) {
        return c.toString();
      }
    }
    throw new IllegalStateException("fake-gcs-server not found (looked at " + candidates.subList(0, Math.min(3, candidates.size()))
        + " and the PATH); install it with: go install github.com/fsouza/fake-gcs-server@v1.56.1");
  }
}
