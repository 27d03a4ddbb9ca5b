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

  private NetServer echo(EventBusOptions eb) {
    return await(vertx.createNetServer(new NetServerOptions(eb.toJson()).setHost("127.0.0.1").setPort(0))
        .connectHandler(s -> s.handler(s::write)).listen());
  }

  private Buffer roundTrip(EventBusOptions eb, int port) {
    // as ClusteredEventBus does: client options from the event-bus options, no host-name check
    NetClient client = vertx.createNetClient(new NetClientOptions(eb.toJson()).setHostnameVerificationAlgorithm(""));
    NetSocket s = await(client.connect(port, "127.0.0.1"));
    io.vertx.core.Promise<Buffer> got = io.vertx.core.Promise.promise();
    s.handler(got::tryComplete);
    s.exceptionHandler(got::tryFail);
    s.closeHandler(v -> got.tryFail("closed"));
    s.write("ping");
    return await(got.future());
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
}
