package io.agentbus.cluster.impl;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * Mutual TLS for the clustered event bus. Either from PEM files (a certificate and key per node,
 * and the CA that issued them), or derived from the cluster secret: every node computes the same
 * P-256 CA key pair from the secret (HKDF), issues itself a certificate with it, presents that and
 * trusts only the CA. A peer without the secret cannot present a certificate we trust, and does not
 * trust ours, so no event-bus connection forms in either direction.
 *
 * <p>The derived form is for development and small clusters: whoever has the secret has the CA key.
 * Files let an operator issue per-node certificates from a real CA (cert-manager on Kubernetes).
 *
 * <p>The TLS engine is OpenSSL (BoringSSL, from {@code netty-tcnative-boringssl-static}) when its
 * native library loads, which the node's fat jar carries for Linux x86-64; otherwise the JDK's.
 * Both speak the same TLS 1.3 with the same certificates; BoringSSL costs less CPU per record
 * (bench/RESULTS.md, "TLS engine").
 */
public final class EventBusTls {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventBusTls.class);

  private EventBusTls() {
  }

  /**
   * @return OpenSSL's engine when its native library is available, else the JDK's; logged once
   *     per call at info, with the reason OpenSSL is not used
   */
  public static SSLEngineOptions preferredEngine() {
    if (OpenSSLEngineOptions.isAvailable()) {
      LOG.info("TLS engine: OpenSSL ({})", io.netty.handler.ssl.OpenSsl.versionString());
      return new OpenSSLEngineOptions();
    }
    Throwable why = io.netty.handler.ssl.OpenSsl.unavailabilityCause();
    LOG.info("TLS engine: the JDK's (OpenSSL is not available: {})", why == null ? "unknown" : why.getMessage());
    return new JdkSSLEngineOptions();
  }

  /** Turns on mutual TLS with certificates from files (PEM). */
  public static void fromFiles(EventBusOptions eb, String certPath, String keyPath, String caPath) {
    eb.setSsl(true).setClientAuth(ClientAuth.REQUIRED).setSslEngineOptions(preferredEngine())
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certPath).setKeyPath(keyPath))
        .setTrustOptions(new PemTrustOptions().addCertPath(caPath));
  }

  /** Turns on mutual TLS with a certificate issued by the CA derived from the secret. */
  public static void derived(EventBusOptions eb, SecretKeys keys) {
    String[] pem = derivedPem(keys);
    eb.setSsl(true).setClientAuth(ClientAuth.REQUIRED).setSslEngineOptions(preferredEngine())
        .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(pem[0])).setKeyValue(Buffer.buffer(pem[1])))
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pem[2])));
  }

  /**
   * Every member derives the same CA key pair from the secret (a P-256 scalar from HKDF) and the
   * same CA name, and issues itself a certificate for a fresh key pair. Peers trust the CA: a
   * certificate chains to it only if its issuer knew the secret.
   *
   * @return this member's certificate, its PKCS#8 private key, and the CA certificate, all PEM
   */
  static String[] derivedPem(SecretKeys keys) {
    try {
      AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
      ap.init(new ECGenParameterSpec("secp256r1"));
      ECParameterSpec params = ap.getParameterSpec(ECParameterSpec.class);
      BigInteger n = params.getOrder();
      // a scalar in [1, n-1]: 48 bytes reduced mod n-1 (bias below 2^-128)
      BigInteger d = new BigInteger(1, keys.derive("agentbus event-bus ca key", 48)).mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
      org.bouncycastle.math.ec.ECPoint q = org.bouncycastle.asn1.x9.ECNamedCurveTable.getByName("secp256r1").getG().multiply(d).normalize();
      KeyFactory kf = KeyFactory.getInstance("EC");
      PrivateKey caPriv = kf.generatePrivate(new ECPrivateKeySpec(d, params));
      PublicKey caPub = kf.generatePublic(new ECPublicKeySpec(new ECPoint(q.getAffineXCoord().toBigInteger(),
          q.getAffineYCoord().toBigInteger()), params));
      X500Name caName = new X500Name("CN=agentbus cluster CA,O=agentbus");
      X509CertificateHolder ca = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
          Date.from(Instant.parse("2020-01-01T00:00:00Z")), Date.from(Instant.parse("2120-01-01T00:00:00Z")), caName, caPub)
          .addExtension(Extension.basicConstraints, true, new org.bouncycastle.asn1.x509.BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caPriv));

      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      java.security.KeyPair member = g.generateKeyPair();
      Instant now = Instant.now();
      X509CertificateHolder cert = new JcaX509v3CertificateBuilder(caName, new BigInteger(63, new java.security.SecureRandom()).add(BigInteger.TWO),
          Date.from(now.minusSeconds(86_400)), Date.from(now.plusSeconds(10L * 365 * 86_400)),
          new X500Name("CN=agentbus cluster member,O=agentbus"), member.getPublic())
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caPriv));
      return new String[] {pem("CERTIFICATE", cert.getEncoded()), pem("PRIVATE KEY", member.getPrivate().getEncoded()),
          pem("CERTIFICATE", ca.getEncoded())};
    } catch (Exception e) {
      throw new IllegalStateException("cannot derive the event-bus certificate: " + e, e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
