package dev.accord.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.certs.CertificateAuthority;
import dev.accord.certs.CertificateRequest;
import dev.accord.certs.IssuedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's TLS settings from the environment and the builder: good files are taken, a bad one
 * is refused before connecting, naming its variable.
 */
class ClientTlsSettingsTest {
  @TempDir Path dir;
  private Path ca;
  private Path cert;
  private Path key;
  private Path garbage;
  private Path missing;

  @BeforeEach
  void files() throws Exception {
    CertificateAuthority authority =
        CertificateAuthority.create("test-ca", Duration.ofHours(1), Clock.systemUTC());
    IssuedCertificate issued =
        authority.issue(
            CertificateRequest.client("worker", Duration.ofHours(1)), Clock.systemUTC());
    ca = Files.writeString(dir.resolve("ca.crt"), issued.issuerPem());
    cert = Files.writeString(dir.resolve("tls.crt"), issued.certificatePem());
    key = Files.writeString(dir.resolve("tls.key"), issued.privateKeyPem());
    garbage = Files.writeString(dir.resolve("garbage.pem"), "not PEM\n");
    missing = dir.resolve("missing.pem");
  }

  @Test
  void caCertificateAndKeyFromTheEnvironmentMakeATlsClient() {
    Map<String, String> env =
        Map.of(
            "ACCORD_TARGET", "dns:///localhost:7475",
            "ACCORD_TLS_CA_FILE", ca.toString(),
            "ACCORD_TLS_CERT_FILE", cert.toString(),
            "ACCORD_TLS_KEY_FILE", key.toString());
    try (AccordClient client = AccordClient.builderFromEnvironment(env).doneCache(false).build()) {
      assertThat(client).isNotNull();
    }
  }

  @Test
  void anHttpsTargetIsAcceptedAndOtherUrlSchemesAreNot() {
    try (AccordClient client =
        AccordClient.builder().target("https://localhost:7475").doneCache(false).build()) {
      assertThat(client).isNotNull();
    }
    assertThatThrownBy(() -> AccordClient.builder().target("grpcs://accord:7475"))
        .hasMessageContaining("https://");
    assertThatThrownBy(() -> AccordClient.builder().target("https://accord"))
        .hasMessageContaining("port");
  }

  @Test
  void aBadFileNamesItsVariable() {
    assertRefused("ACCORD_TLS_CA_FILE", "cannot read", Map.of("ACCORD_TLS_CA_FILE", missing));
    assertRefused("ACCORD_TLS_CA_FILE", "PEM certificate", Map.of("ACCORD_TLS_CA_FILE", garbage));
    assertRefused(
        "ACCORD_TLS_CERT_FILE",
        "PEM certificate",
        Map.of("ACCORD_TLS_CERT_FILE", garbage, "ACCORD_TLS_KEY_FILE", key));
    assertRefused(
        "ACCORD_TLS_KEY_FILE",
        "PKCS#8 PEM private key",
        Map.of("ACCORD_TLS_CERT_FILE", cert, "ACCORD_TLS_KEY_FILE", garbage));
    assertRefused(
        "ACCORD_TLS_KEY_FILE",
        "cannot read",
        Map.of("ACCORD_TLS_CERT_FILE", cert, "ACCORD_TLS_KEY_FILE", missing));
  }

  @Test
  void aCertificateWithoutItsKeyOrTheOtherWayRoundNamesBoth() {
    assertRefused(
        "ACCORD_TLS_CERT_FILE is set without ACCORD_TLS_KEY_FILE",
        "both",
        Map.of("ACCORD_TLS_CERT_FILE", cert));
    assertRefused(
        "ACCORD_TLS_KEY_FILE is set without ACCORD_TLS_CERT_FILE",
        "both",
        Map.of("ACCORD_TLS_KEY_FILE", key));
  }

  @Test
  void builderMethodsNameThemselves() {
    assertThatThrownBy(() -> AccordClient.builder().tlsTrust(garbage))
        .hasMessageContaining("tlsTrust");
    assertThatThrownBy(() -> AccordClient.builder().tlsClientCertificate(cert, null))
        .hasMessageContaining("tlsClientCertificate");
  }

  private static void assertRefused(String variable, String why, Map<String, Path> files) {
    Map<String, String> env = new HashMap<>(Map.of("ACCORD_TARGET", "localhost:7475"));
    files.forEach((name, file) -> env.put(name, file.toString()));
    assertThatThrownBy(() -> AccordClient.builderFromEnvironment(env).build())
        .as(env.toString())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(variable)
        .hasMessageContaining(why);
  }
}
