package dev.accord.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeysTest {
  @Test
  void aKeyMatchesItsOwnCertificateOnly() throws Exception {
    CertificateAuthority ca =
        CertificateAuthority.create("keys-test-ca", Duration.ofDays(1), Clock.systemUTC());
    IssuedCertificate issued =
        ca.issue(
            CertificateRequest.server(List.of("localhost"), Duration.ofHours(1)),
            Clock.systemUTC());
    CertificateAuthority rsa = CertificateAuthorityTest.rsaAuthority();

    assertThat(Keys.matches(ca.certificate(), ca.privateKey())).isTrue();
    assertThat(Keys.matches(issued.certificate(), issued.privateKey())).isTrue();
    assertThat(Keys.matches(rsa.certificate(), rsa.privateKey())).isTrue();
    assertThat(Keys.matches(ca.certificate(), issued.privateKey())).isFalse();
    assertThat(Keys.matches(issued.certificate(), ca.privateKey())).isFalse();
    assertThat(Keys.matches(rsa.certificate(), ca.privateKey()))
        .as("an EC key for an RSA certificate")
        .isFalse();
    assertThat(Keys.matches(ca.certificate(), rsa.privateKey()))
        .as("an RSA key for an EC certificate")
        .isFalse();
  }
}
