package dev.accord.operator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.certs.Pem;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When the operator keeps, and when it issues again, a cluster's CA and server certificate. */
class OperatorTlsTest {
  static final List<String> NAMES = List.of("demo", "demo.jobs", "demo-headless.jobs.svc");
  static final Instant START = Instant.parse("2026-12-01T00:00:00Z");

  static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  static Secret secret(String name, Map<String, String> data) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withData(data)
        .build();
  }

  static X509Certificate certificate(OperatorTls tls) {
    return Pem.readCertificate(tls.certificate());
  }

  @Test
  void aNewClusterGetsACaAndAServerCertificateForItsNamesSignedByIt() throws Exception {
    OperatorTls tls =
        OperatorTls.decide(
            "demo.jobs.accord-ca", NAMES, Optional.empty(), Optional.empty(), at(START));

    X509Certificate server = certificate(tls);
    X509Certificate ca = Pem.readCertificate(tls.caCertificate());
    server.verify(ca.getPublicKey());
    assertThat(OperatorTls.dnsNames(server)).containsExactlyInAnyOrderElementsOf(NAMES);
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(server.getBasicConstraints()).isEqualTo(-1);
    assertThat(tls.notAfter()).isEqualTo(START.plus(OperatorTls.SERVER_VALIDITY));
    assertThat(tls.serverSecretData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
    assertThat(tls.caSecretData()).containsOnlyKeys("ca.crt", "ca.key");
  }

  @Test
  void existingSecretsAreKeptWhileTheCertificateHasMoreThanAThirdOfItsLifeLeft() {
    OperatorTls first =
        OperatorTls.decide("ca", NAMES, Optional.empty(), Optional.empty(), at(START));
    Instant later = START.plus(Duration.ofDays(55));

    OperatorTls again =
        OperatorTls.decide(
            "ca",
            NAMES,
            Optional.of(secret("demo-ca", first.caSecretData())),
            Optional.of(secret("demo-tls", first.serverSecretData())),
            at(later));

    assertThat(again).isEqualTo(first);
  }

  @Test
  void theCertificateIsIssuedAgainFromTheSameCaOnceAThirdOfItsLifeIsLeft() throws Exception {
    OperatorTls first =
        OperatorTls.decide("ca", NAMES, Optional.empty(), Optional.empty(), at(START));
    Instant due = START.plus(Duration.ofDays(61));

    OperatorTls rotated =
        OperatorTls.decide(
            "ca",
            NAMES,
            Optional.of(secret("demo-ca", first.caSecretData())),
            Optional.of(secret("demo-tls", first.serverSecretData())),
            at(due));

    assertThat(rotated.caCertificate()).isEqualTo(first.caCertificate());
    assertThat(rotated.caKey()).isEqualTo(first.caKey());
    assertThat(rotated.certificate()).isNotEqualTo(first.certificate());
    assertThat(rotated.notAfter()).isEqualTo(due.plus(OperatorTls.SERVER_VALIDITY));
    certificate(rotated).verify(Pem.readCertificate(first.caCertificate()).getPublicKey());
  }

  @Test
  void aCertificateForOtherNamesOrFromAnotherCaIsReplaced() throws Exception {
    OperatorTls first =
        OperatorTls.decide("ca", NAMES, Optional.empty(), Optional.empty(), at(START));
    OperatorTls foreign =
        OperatorTls.decide("other", NAMES, Optional.empty(), Optional.empty(), at(START));
    Secret ca = secret("demo-ca", first.caSecretData());

    OperatorTls renamed =
        OperatorTls.decide(
            "ca",
            List.of("demo", "demo.other"),
            Optional.of(ca),
            Optional.of(secret("demo-tls", first.serverSecretData())),
            at(START));
    OperatorTls resigned =
        OperatorTls.decide(
            "ca",
            NAMES,
            Optional.of(ca),
            Optional.of(secret("demo-tls", foreign.serverSecretData())),
            at(START));

    assertThat(OperatorTls.dnsNames(certificate(renamed)))
        .containsExactlyInAnyOrder("demo", "demo.other");
    assertThat(resigned.certificate()).isNotEqualTo(foreign.certificate());
    certificate(resigned).verify(Pem.readCertificate(first.caCertificate()).getPublicKey());
  }

  @Test
  void aCaSecretWithoutAUsableCaIsAnErrorNamingTheSecretNotAReplacement() {
    Secret broken = secret("demo-ca", Map.of("ca.crt", "bm90IGEgY2VydA=="));

    assertThatThrownBy(
            () -> OperatorTls.decide("ca", NAMES, Optional.of(broken), Optional.empty(), at(START)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Secret demo-ca")
        .hasMessageContaining("delete it to get a new CA");
  }
}
