package dev.accord.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.BigIntegers;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;

class PemTest {
  static final CertificateAuthority CA =
      CertificateAuthority.create("pem-test-ca", Duration.ofDays(1), Clock.systemUTC());

  @Test
  void certificatesAndKeysGoToPemAndBackUnchanged() {
    IssuedCertificate issued =
        CA.issue(
            CertificateRequest.server(List.of("localhost"), Duration.ofHours(1)),
            Clock.systemUTC());

    String certificate = Pem.write(issued.certificate());
    String key = Pem.write(issued.privateKey());

    assertThat(certificate)
        .startsWith("-----BEGIN CERTIFICATE-----\n")
        .endsWith("-----END CERTIFICATE-----\n");
    assertThat(certificate.lines().filter(line -> !line.startsWith("-----")))
        .allMatch(line -> line.length() <= 64);
    assertThat(key)
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    assertThat(Pem.readCertificate(certificate)).isEqualTo(issued.certificate());
    assertThat(Pem.readPrivateKey(key).getEncoded()).isEqualTo(issued.privateKey().getEncoded());
    assertThat(issued.certificatePem()).isEqualTo(certificate);
    assertThat(issued.privateKeyPem()).isEqualTo(key);
    assertThat(issued.issuerPem())
        .isEqualTo(CA.certificatePem())
        .isEqualTo(Pem.write(CA.certificate()));
    assertThat(CA.privateKeyPem()).isEqualTo(Pem.write(CA.privateKey()));
  }

  @Test
  void theFirstCertificateOfABundleIsRead() {
    IssuedCertificate issued =
        CA.issue(
            CertificateRequest.server(List.of("localhost"), Duration.ofHours(1)),
            Clock.systemUTC());

    X509Certificate first = Pem.readCertificate(issued.certificatePem() + issued.issuerPem());

    assertThat(first).isEqualTo(issued.certificate());
  }

  @Test
  void traditionalEcAndRsaKeysAreReadToo() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ecPair = ec.generateKeyPair();
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair rsaPair = rsa.generateKeyPair();
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(rsaPair);
    }
    String rsaPem = out.toString();

    assertThat(rsaPem).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(Pem.readPrivateKey(rsaPem).getEncoded())
        .isEqualTo(rsaPair.getPrivate().getEncoded());
    String ecPem = openSslEcKey(ecPair);
    assertThat(ecPem).startsWith("-----BEGIN EC PRIVATE KEY-----");
    PrivateKey read = Pem.readPrivateKey(ecPem);
    assertThat(read.getAlgorithm()).isEqualTo("EC");
    assertThat(((ECPrivateKey) read).getS()).isEqualTo(((ECPrivateKey) ecPair.getPrivate()).getS());
  }

  /**
   * A P-256 key as {@code openssl ecparam -genkey} writes it: SEC1 with the curve's name and the
   * public key.
   */
  static String openSslEcKey(KeyPair pair) throws Exception {
    ECPoint point = ((ECPublicKey) pair.getPublic()).getW();
    byte[] uncompressed = new byte[65];
    uncompressed[0] = 4;
    System.arraycopy(
        BigIntegers.asUnsignedByteArray(32, point.getAffineX()), 0, uncompressed, 1, 32);
    System.arraycopy(
        BigIntegers.asUnsignedByteArray(32, point.getAffineY()), 0, uncompressed, 33, 32);
    org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
            256,
            ((ECPrivateKey) pair.getPrivate()).getS(),
            new DERBitString(uncompressed),
            SECObjectIdentifiers.secp256r1);
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    }
    return out.toString();
  }

  @Test
  void whatIsNotACertificateOrAKeyIsRefusedSayingWhy() {
    String certificate = CA.certificatePem();

    assertThatThrownBy(() -> Pem.readPrivateKey(certificate))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a X509CertificateHolder, not a private key");
    assertThatThrownBy(() -> Pem.readPrivateKey("junk"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no PEM object found");
    assertThatThrownBy(
            () ->
                Pem.readPrivateKey("-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Pem.readCertificate("junk"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("certificate");
    assertThatThrownBy(() -> Pem.readCertificate(CA.privateKeyPem()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
