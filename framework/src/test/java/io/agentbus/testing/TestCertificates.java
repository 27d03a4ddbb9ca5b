package io.agentbus.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;

/** A throw-away CA and certificates it issues, as PEM files, for TLS tests. */
public final class TestCertificates {

  /** A certificate and its key on disk. */
  public record Issued(Path cert, Path key) {
  }

  private final Path dir;
  private final KeyPair caKeys;
  private final X509CertificateHolder ca;
  private long serial = 2;

  private TestCertificates(Path dir, KeyPair caKeys, X509CertificateHolder ca) {
    this.dir = dir;
    this.caKeys = caKeys;
    this.ca = ca;
  }

  /** @return a new CA named {@code cn} in a temporary directory */
  public static TestCertificates newCa(String cn) {
    try {
      Path dir = Files.createTempDirectory("agentbus-certs");
      KeyPair keys = keyPair();
      X500Name name = new X500Name("CN=" + cn);
      X509CertificateHolder ca = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(Instant.now().minus(1, ChronoUnit.DAYS)),
          Date.from(Instant.now().plus(30, ChronoUnit.DAYS)), name, keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
      TestCertificates c = new TestCertificates(dir, keys, ca);
      Files.writeString(c.caPath(), pem("CERTIFICATE", ca.getEncoded()));
      return c;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** @return the CA certificate's PEM file */
  public Path caPath() {
    return dir.resolve("ca.pem");
  }

  /** @return a certificate for {@code cn}, valid for 127.0.0.1 and localhost */
  public Issued issue(String cn) {
    try {
      KeyPair keys = keyPair();
      X509CertificateHolder cert = new JcaX509v3CertificateBuilder(ca.getSubject(), BigInteger.valueOf(serial++),
          Date.from(Instant.now().minus(1, ChronoUnit.DAYS)), Date.from(Instant.now().plus(30, ChronoUnit.DAYS)),
          new X500Name("CN=" + cn), keys.getPublic())
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}))
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));
      Issued out = new Issued(dir.resolve(cn + ".pem"), dir.resolve(cn + "-key.pem"));
      Files.writeString(out.cert(), pem("CERTIFICATE", cert.getEncoded()));
      Files.writeString(out.key(), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
