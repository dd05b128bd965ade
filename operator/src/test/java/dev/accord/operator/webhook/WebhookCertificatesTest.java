package dev.accord.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.certs.CertificateAuthority;
import dev.accord.certs.IssuedCertificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The webhook's CA and serving certificates, as the operator makes them. */
class WebhookCertificatesTest {
  static final String NAMESPACE = "accord-system";

  @Test
  void theCaIsAnEcCaForTenYearsThatSignsOnlyLeafCertificates() {
    Instant now = Instant.parse("2026-11-29T00:00:00Z");
    CertificateAuthority ca = WebhookCertificates.newAuthority(Clock.fixed(now, ZoneOffset.UTC));
    X509Certificate certificate = ca.certificate();

    assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(certificate.getBasicConstraints()).isZero(); // a CA, path length 0
    assertThat(certificate.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(3650)));
    assertThat(certificate.getNotBefore().toInstant()).isBefore(now);
    assertThat(certificate.getSubjectX500Principal())
        .isEqualTo(certificate.getIssuerX500Principal());
  }

  @Test
  void servingCertificatesNameTheServiceAndExtrasAndVerifyWithTheCa() throws Exception {
    Instant now = Instant.parse("2026-11-29T00:00:00Z");
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    CertificateAuthority ca = WebhookCertificates.newAuthority(clock);
    List<String> names = new ArrayList<>(WebhookCertificates.serviceNames(NAMESPACE));
    names.addAll(List.of("localhost", "127.0.0.1"));

    IssuedCertificate serving =
        WebhookCertificates.issueServing(ca, names, clock, Duration.ofDays(365));
    X509Certificate certificate = serving.certificate();

    certificate.verify(ca.certificate().getPublicKey());
    assertThat(certificate.getIssuerX500Principal())
        .isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(subjectAlternativeNames(certificate))
        .containsExactly(
            "accord-operator-webhook", "accord-operator-webhook.accord-system",
            "accord-operator-webhook.accord-system.svc",
                "accord-operator-webhook.accord-system.svc.cluster.local",
            "localhost", "127.0.0.1");
    assertThat(certificate.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(certificate.getExtendedKeyUsage())
        .containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(365)));
    assertThat(certificate.getSubjectX500Principal().getName())
        .isEqualTo("CN=accord-operator-webhook.accord-system.svc,O=accord.dev");

    // Never valid beyond its CA.
    IssuedCertificate late =
        WebhookCertificates.issueServing(
            ca,
            names,
            Clock.fixed(now.plus(Duration.ofDays(3600)), ZoneOffset.UTC),
            Duration.ofDays(365));
    assertThat(late.certificate().getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
  }

  static List<String> subjectAlternativeNames(X509Certificate certificate)
      throws CertificateParsingException {
    List<String> names = new ArrayList<>();
    certificate
        .getSubjectAlternativeNames()
        .forEach(entry -> names.add(String.valueOf(entry.get(1))));
    return names;
  }
}
