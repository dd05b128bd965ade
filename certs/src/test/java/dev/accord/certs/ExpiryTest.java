package dev.accord.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpiryTest {
  static final Instant ISSUED = Instant.parse("2026-11-29T00:00:00Z");

  static X509Certificate certificate() {
    Clock clock = Clock.fixed(ISSUED, ZoneOffset.UTC);
    CertificateAuthority ca =
        CertificateAuthority.create("expiry-test-ca", Duration.ofDays(365), clock);
    return ca.issue(CertificateRequest.server(List.of("localhost"), Duration.ofDays(30)), clock)
        .certificate();
  }

  @Test
  void remainingIsTheTimeToNotAfterAndNegativeOnceExpired() {
    X509Certificate certificate = certificate();

    assertThat(Expiry.remaining(certificate, ISSUED)).isEqualTo(Duration.ofDays(30));
    assertThat(Expiry.remaining(certificate, ISSUED.plus(Duration.ofDays(31))))
        .isEqualTo(Duration.ofDays(-1));
  }

  @Test
  void renewalIsDueOnceLessThanAThirdOfTheLifetimeIsLeft() {
    X509Certificate certificate = certificate();
    // Valid from an hour before issuance to 30 days after it: a third of that is 10 days and 20
    // minutes.
    Instant threshold = ISSUED.plus(Duration.ofDays(30)).minus(Duration.ofDays(10).plusMinutes(20));

    assertThat(Expiry.renewalDue(certificate, ISSUED)).isFalse();
    assertThat(Expiry.renewalDue(certificate, threshold)).as("exactly a third left").isFalse();
    assertThat(Expiry.renewalDue(certificate, threshold.plusSeconds(1))).isTrue();
    assertThat(Expiry.renewalDue(certificate, ISSUED.plus(Duration.ofDays(40))))
        .as("expired")
        .isTrue();
  }
}
