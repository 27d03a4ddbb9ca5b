package io.agentbus.cluster.impl;

import io.agentbus.cluster.ClusterSecret;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

/** The derived event-bus TLS, with the options the clustered event bus builds from it. */
class EventBusTlsTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  private static EventBusOptions derived(String secret) {
    EventBusOptions eb = new EventBusOptions();
    EventBusTls.derived(eb, new SecretKeys(ClusterSecret.of(secret)));
    return eb;
  }

  private static EventBusOptions derived(String secret, String engine) {
    return derived(secret).setSslEngineOptions(engine.equals("openssl")
        ? new io.vertx.core.net.OpenSSLEngineOptions() : new io.vertx.core.net.JdkSSLEngineOptions());
  }

  private NetServer echo(EventBusOptions eb) {
    return await(vertx.createNetServer(new NetServerOptions(eb.toJson()).setHost("127.0.0.1").setPort(0))
        .connectHandler(s -> s.handler(s::write)).listen());
  }

  private Buffer roundTrip(EventBusOptions eb, int port) {
    // as ClusteredEventBus does: client options from the event-bus options, no host-name check
    NetClient client = vertx.createNetClient(new NetClientOptions(eb.toJson()).setHostnameVerificationAlgorithm(""));
    // the handlers are set on the event loop as the connection completes: a refusal that follows at
    // once (a TLS 1.3 server rejects the client's certificate after the client's handshake is done)
    // must not pass before they are there
    return await(client.connect(port, "127.0.0.1").compose((NetSocket s) -> {
      io.vertx.core.Promise<Buffer> got = io.vertx.core.Promise.promise();
      s.handler(got::tryComplete);
      s.exceptionHandler(got::tryFail);
      s.closeHandler(v -> got.tryFail("closed"));
      s.write("ping");
      return got.future();
    }));
  }

  private static java.security.PublicKey publicKeyOf(String pem) {
    try {
      return java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII))).getPublicKey();
    } catch (java.security.cert.CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void membersWithTheSameSecretConnectAndOthersDoNot() {
    String[] a = EventBusTls.derivedPem(new SecretKeys(ClusterSecret.of("same secret same secret")));
    String[] b = EventBusTls.derivedPem(new SecretKeys(ClusterSecret.of("same secret same secret")));
    assertThat(a[1]).isNotEqualTo(b[1]);  // a key of its own for every member...
    assertThat(publicKeyOf(a[2])).isEqualTo(publicKeyOf(b[2]));  // ...issued by the same CA

    NetServer server = echo(derived("same secret same secret"));
    assertThat(roundTrip(derived("same secret same secret"), server.actualPort()).toString()).isEqualTo("ping");
    assertThat(awaitFailure(io.vertx.core.Future.future(p -> {
      try {
        p.complete(roundTrip(derived("another secret entirely"), server.actualPort()));
      } catch (Throwable t) {
        p.fail(t);
      }
    }))).isNotNull();
    assertThat(awaitFailure(io.vertx.core.Future.future(p -> {
      try {
        p.complete(roundTrip(new EventBusOptions(), server.actualPort()));
      } catch (Throwable t) {
        p.fail(t);
      }
    }))).isNotNull();
  }

  @Test
  void openSslIsPreferredWhenItsNativeLibraryIsThere() {
    // this module's tests carry netty-tcnative-boringssl-static for Linux x86-64, as the node's jar does
    assertThat(io.vertx.core.net.OpenSSLEngineOptions.isAvailable()).as("BoringSSL loads on this machine").isTrue();
    assertThat(derived("same secret same secret").getSslEngineOptions()).isInstanceOf(io.vertx.core.net.OpenSSLEngineOptions.class);
  }

  /** Every pairing of engines: a cluster being upgraded mixes them, and the secret decides alone. */
  @ParameterizedTest(name = "server {0}, client {1}")
  @CsvSource({"openssl, openssl", "openssl, jdk", "jdk, openssl", "jdk, jdk"})
  void bothEnginesAdmitTheSecretAndRefuseOthers(String serverEngine, String clientEngine) {
    NetServer server = echo(derived("same secret same secret", serverEngine));
    assertThat(roundTrip(derived("same secret same secret", clientEngine), server.actualPort()).toString()).isEqualTo("ping");
    assertThat(awaitFailure(io.vertx.core.Future.future(p -> {
      try {
        p.complete(roundTrip(derived("another secret entirely", clientEngine), server.actualPort()));
      } catch (Throwable t) {
        p.fail(t);
      }
    }))).isNotNull();
  }
}
