package dev.accord.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {
  static final Instant NOW = Instant.parse("2026-11-29T00:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  static final CertificateAuthority CA =
      CertificateAuthority.create("test-ca", Duration.ofDays(3650), CLOCK);

  @Test
  void aNewCaIsAnEcCaForItsValidityThatSignsOnlyLeafCertificates() throws Exception {
    X509Certificate certificate = CA.certificate();

    assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(CertificateAuthority.isCaCertificate(certificate)).isTrue();
    assertThat(certificate.getBasicConstraints()).as("a CA, path length 0").isZero();
    assertThat(certificate.getCriticalExtensionOIDs())
        .contains(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
    boolean[] usage = certificate.getKeyUsage();
    assertThat(usage[5]).as("keyCertSign").isTrue();
    assertThat(usage[6]).as("cRLSign").isTrue();
    assertThat(usage[0]).as("digitalSignature").isFalse();
    assertThat(certificate.getNotBefore().toInstant())
        .isEqualTo(NOW.minus(CertificateAuthority.BACKDATE));
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
    assertThat(certificate.getSubjectX500Principal())
        .isEqualTo(certificate.getIssuerX500Principal());
    assertThat(certificate.getSubjectX500Principal().getName())
        .isEqualTo("CN=test-ca,O=accord.dev");
    assertThat(certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
    certificate.verify(certificate.getPublicKey());
    assertThat(Keys.matches(certificate, CA.privateKey())).isTrue();
  }

  @Test
  void aServerCertificateNamesItsDnsNamesAndIpAddressesInOrderAndVerifiesWithTheCa()
      throws Exception {
    IssuedCertificate issued =
        CA.issue(
            CertificateRequest.server(
                List.of("api.example.test", "localhost", "127.0.0.1", "::1", "api"),
                Duration.ofDays(90)),
            CLOCK);
    X509Certificate certificate = issued.certificate();

    certificate.verify(CA.certificate().getPublicKey());
    assertThat(certificate.getIssuerX500Principal())
        .isEqualTo(CA.certificate().getSubjectX500Principal());
    assertThat(subjectAlternativeNames(certificate))
        .containsExactly(
            "2:api.example.test", "2:localhost", "7:127.0.0.1", "7:0:0:0:0:0:0:0:1", "2:api");
    assertThat(certificate.getSubjectX500Principal().getName())
        .as("the first DNS name")
        .isEqualTo("CN=api.example.test,O=accord.dev");
    assertThat(certificate.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(certificate.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(certificate.getKeyUsage()[5]).as("keyCertSign").isFalse();
    assertThat(certificate.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(CertificateAuthority.isCaCertificate(certificate)).isFalse();
    assertThat(certificate.getCriticalExtensionOIDs())
        .contains(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
    assertThat(certificate.getNotBefore().toInstant())
        .isEqualTo(NOW.minus(CertificateAuthority.BACKDATE));
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(90)));
    assertThat(authorityKeyIdentifier(certificate))
        .isEqualTo(subjectKeyIdentifier(CA.certificate()));
    assertThat(Keys.matches(certificate, issued.privateKey())).isTrue();
    assertThat(issued.issuer()).isEqualTo(CA.certificate());
    assertThat(issued.chain()).containsExactly(certificate, CA.certificate());
  }

  @Test
  void aClientCertificateIsForClientAuthenticationAndNeedsNoNames() throws Exception {
    X509Certificate certificate =
        CA.issue(CertificateRequest.client("worker-7", Duration.ofDays(30)), CLOCK).certificate();

    certificate.verify(CA.certificate().getPublicKey());
    assertThat(certificate.getSubjectX500Principal().getName())
        .isEqualTo("CN=worker-7,O=accord.dev");
    assertThat(certificate.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    assertThat(certificate.getSubjectAlternativeNames()).isNull();
    assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
  }

  @Test
  void aCertificateMayServeBothPurposesUnderAnExplicitCommonName() throws Exception {
    CertificateRequest request =
        CertificateRequest.server(List.of("10.0.0.7", "node-7.example.test"), Duration.ofDays(30))
            .withCommonName("node-7")
            .withPurposes(KeyPurpose.CLIENT_AUTH, KeyPurpose.SERVER_AUTH);
    X509Certificate certificate = CA.issue(request, CLOCK).certificate();

    assertThat(certificate.getExtendedKeyUsage()).containsExactly(SERVER_AUTH, CLIENT_AUTH);
    assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=node-7,O=accord.dev");
    assertThat(subjectAlternativeNames(certificate))
        .containsExactly("7:10.0.0.7", "2:node-7.example.test");
  }

  @Test
  void withOnlyIpAddressesTheCommonNameIsTheFirstOne() throws Exception {
    X509Certificate certificate =
        CA.issue(CertificateRequest.server(List.of("127.0.0.1", "::1"), Duration.ofDays(1)), CLOCK)
            .certificate();

    assertThat(certificate.getSubjectX500Principal().getName())
        .isEqualTo("CN=127.0.0.1,O=accord.dev");
  }

  @Test
  void anIssuedCertificateNeverOutlivesItsCa() {
    Clock late = Clock.fixed(NOW.plus(Duration.ofDays(3600)), ZoneOffset.UTC);

    X509Certificate certificate =
        CA.issue(CertificateRequest.server(List.of("localhost"), Duration.ofDays(365)), late)
            .certificate();

    assertThat(certificate.getNotAfter()).isEqualTo(CA.certificate().getNotAfter());
  }

  @Test
  void eachCertificateHasItsOwnKeyAndAPositiveSerialNumber() {
    Set<BigInteger> serials = new HashSet<>();
    Set<Object> keys = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      IssuedCertificate issued =
          CA.issue(CertificateRequest.server(List.of("localhost"), Duration.ofDays(1)), CLOCK);
      assertThat(issued.certificate().getSerialNumber()).isPositive();
      assertThat(issued.certificate().getSerialNumber().bitLength()).isLessThanOrEqualTo(159);
      serials.add(issued.certificate().getSerialNumber());
      keys.add(issued.certificate().getPublicKey());
    }
    assertThat(serials).hasSize(20);
    assertThat(keys).hasSize(20);
  }

  @Test
  void aCertificateDoesNotVerifyWithAnotherCa() {
    CertificateAuthority other =
        CertificateAuthority.create("other-ca", Duration.ofDays(10), CLOCK);
    X509Certificate certificate =
        other
            .issue(CertificateRequest.server(List.of("localhost"), Duration.ofDays(1)), CLOCK)
            .certificate();

    assertThatThrownBy(() -> certificate.verify(CA.certificate().getPublicKey()))
        .isInstanceOf(SignatureException.class);
    assertThat(other.sameAs(CA)).isFalse();
    assertThat(CA.sameAs(new CertificateAuthority(CA.certificate(), CA.privateKey()))).isTrue();
    assertThat(CA.sameAs(null)).isFalse();
  }

  @Test
  void aCaMadeElsewhereWithAnRsaKeyIssuesToo() throws Exception {
    CertificateAuthority rsa = rsaAuthority();

    IssuedCertificate issued =
        rsa.issue(CertificateRequest.server(List.of("localhost"), Duration.ofDays(1)), CLOCK);

    issued.certificate().verify(rsa.certificate().getPublicKey());
    assertThat(issued.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
    assertThat(issued.certificate().getPublicKey().getAlgorithm())
        .as("its own key is still EC")
        .isEqualTo("EC");
  }

  @Test
  void requestsThatCannotMakeAUsableCertificateAreRefused() {
    Duration day = Duration.ofDays(1);
    assertThatThrownBy(() -> CertificateRequest.server(List.of(), day))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a server certificate needs at least one name");
    assertThatThrownBy(() -> CertificateRequest.server(List.of("999.0.0.1"), day))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("999.0.0.1 is neither an IP address nor a DNS name");
    assertThatThrownBy(() -> CertificateRequest.server(List.of("localhost:8443"), day))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("localhost:8443");
    assertThatThrownBy(() -> CertificateRequest.server(List.of("localhost", " "), day))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank");
    assertThatThrownBy(() -> CertificateRequest.server(List.of("localhost"), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("validity");
    assertThatThrownBy(
            () ->
                new CertificateRequest(
                    null, List.of("localhost"), EnumSet.noneOf(KeyPurpose.class), day))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key purpose");
    assertThatThrownBy(
            () -> new CertificateRequest(null, List.of(), EnumSet.of(KeyPurpose.CLIENT_AUTH), day))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("common name");
    assertThatThrownBy(() -> CertificateRequest.client(" ", day))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("common name");
  }

  /** SANs as "type:value" (2 DNS, 7 IP), in certificate order. */
  static List<String> subjectAlternativeNames(X509Certificate certificate) throws Exception {
    List<String> names = new ArrayList<>();
    certificate
        .getSubjectAlternativeNames()
        .forEach(entry -> names.add(entry.get(0) + ":" + entry.get(1)));
    return names;
  }

  static byte[] subjectKeyIdentifier(X509Certificate certificate) {
    byte[] value = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(value).getOctets())
        .getKeyIdentifier();
  }

  static byte[] authorityKeyIdentifier(X509Certificate certificate) {
    byte[] value = certificate.getExtensionValue(Extension.authorityKeyIdentifier.getId());
    return AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(value).getOctets())
        .getKeyIdentifier();
  }

  /** A CA as another tool might make one: RSA 2048, self-signed. */
  static CertificateAuthority rsaAuthority() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    X500Name name = new X500Name("CN=rsa-ca");
    X509Certificate certificate =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        name,
                        BigInteger.TEN,
                        Date.from(NOW.minus(Duration.ofDays(1))),
                        Date.from(NOW.plus(Duration.ofDays(30))),
                        name,
                        keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign))
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    return new CertificateAuthority(certificate, keys.getPrivate());
  }
}
