package dev.accord.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.certs.CertificateAuthority;
import dev.accord.certs.CertificateRequest;
import dev.accord.certs.IssuedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS files are checked at start, each mistake naming the variable to fix. */
class TlsSettingsTest {
  @TempDir Path dir;
  private Path cert;
  private Path key;
  private Path ca;
  private Path otherKey;
  private Path garbage;

  @BeforeEach
  void files() throws Exception {
    CertificateAuthority authority =
        CertificateAuthority.create("test-ca", Duration.ofHours(1), Clock.systemUTC());
    IssuedCertificate issued = issue(authority);
    cert = Files.writeString(dir.resolve("tls.crt"), issued.certificatePem());
    key = Files.writeString(dir.resolve("tls.key"), issued.privateKeyPem());
    ca = Files.writeString(dir.resolve("ca.crt"), issued.issuerPem());
    otherKey = Files.writeString(dir.resolve("other.key"), issue(authority).privateKeyPem());
    garbage = Files.writeString(dir.resolve("garbage.pem"), "not PEM at all\n");
  }

  @Test
  void certificateKeyAndClientCaAreAccepted() {
    TlsSettings settings = new TlsSettings(cert, key, ca);

    assertThat(settings.enabled()).isTrue();
    assertThat(settings.clientCertificatesRequired()).isTrue();
    assertThat(TlsSettings.PLAINTEXT.enabled()).isFalse();
    assertThat(new TlsSettings(cert, key, null).clientCertificatesRequired()).isFalse();
  }

  @Test
  void oneOfCertificateAndKeyWithoutTheOtherNamesBoth() {
    assertThatThrownBy(() -> new TlsSettings(cert, null, null))
        .hasMessageStartingWith("ACCORD_TLS_CERT_FILE")
        .hasMessageContaining("without ACCORD_TLS_KEY_FILE");
    assertThatThrownBy(() -> new TlsSettings(null, key, null))
        .hasMessageStartingWith("ACCORD_TLS_KEY_FILE")
        .hasMessageContaining("without ACCORD_TLS_CERT_FILE");
    assertThatThrownBy(() -> new TlsSettings(null, null, ca))
        .hasMessageStartingWith("ACCORD_TLS_CLIENT_CA_FILE")
        .hasMessageContaining("needs TLS");
  }

  @Test
  void anUnreadableFileNamesItsVariableAndPath() {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> new TlsSettings(missing, key, null))
        .hasMessageContaining("ACCORD_TLS_CERT_FILE")
        .hasMessageContaining("cannot read " + missing);
    assertThatThrownBy(() -> new TlsSettings(cert, missing, null))
        .hasMessageContaining("ACCORD_TLS_KEY_FILE")
        .hasMessageContaining("cannot read");
    assertThatThrownBy(() -> new TlsSettings(cert, key, missing))
        .hasMessageContaining("ACCORD_TLS_CLIENT_CA_FILE")
        .hasMessageContaining("cannot read");
  }

  @Test
  void badPemOrAKeyOfAnotherCertificateNamesTheVariable() {
    assertThatThrownBy(() -> new TlsSettings(garbage, key, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ACCORD_TLS_CERT_FILE")
        .hasMessageContaining("PEM certificate");
    assertThatThrownBy(() -> new TlsSettings(cert, garbage, null))
        .hasMessageContaining("ACCORD_TLS_KEY_FILE")
        .hasMessageContaining("PKCS#8 PEM private key");
    assertThatThrownBy(() -> new TlsSettings(cert, cert, null))
        .hasMessageContaining("ACCORD_TLS_KEY_FILE");
    assertThatThrownBy(() -> new TlsSettings(cert, otherKey, null))
        .hasMessageContaining("ACCORD_TLS_KEY_FILE")
        .hasMessageContaining("is not the private key of the certificate");
    assertThatThrownBy(() -> new TlsSettings(cert, key, garbage))
        .hasMessageContaining("ACCORD_TLS_CLIENT_CA_FILE");
  }

  private static IssuedCertificate issue(CertificateAuthority authority) {
    return authority.issue(
        CertificateRequest.server(List.of("localhost"), Duration.ofHours(1)), Clock.systemUTC());
  }
}
