package dev.accord.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.certs.CertificateAuthority;
import dev.accord.certs.CertificateRequest;
import dev.accord.certs.IssuedCertificate;
import io.grpc.TlsServerCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS from the client's variables: ACCORD_TLS_CA_FILE turns it on and says whom to trust. */
class TlsSettingsTest {
  @TempDir Path dir;

  FakeAccord server;
  Path ca;
  Ctl ctl;

  @BeforeEach
  void start() throws Exception {
    IssuedCertificate issued =
        CertificateAuthority.create("ctl-test-ca", Duration.ofHours(1), Clock.systemUTC())
            .issue(
                CertificateRequest.server(List.of("localhost"), Duration.ofHours(1)),
                Clock.systemUTC());
    Path cert = Files.writeString(dir.resolve("tls.crt"), issued.certificatePem());
    Path key = Files.writeString(dir.resolve("tls.key"), issued.privateKeyPem());
    ca = Files.writeString(dir.resolve("ca.crt"), issued.issuerPem());
    server = new FakeAccord(TlsServerCredentials.create(cert.toFile(), key.toFile()));
    ctl = new Ctl("localhost:" + server.port());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void theCaFileTurnsTlsOnAndTrustsTheServer() {
    ctl.env.put("ACCORD_TLS_CA_FILE", ca.toString());

    Ctl.Result result = ctl.run("stats", "ns");

    assertThat(result.exitCode()).as(result.err()).isZero();
  }

  @Test
  void withoutItThePlaintextClientCannotReachATlsServer() {
    Ctl.Result result = ctl.run("stats", "ns");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("accordctl: UNAVAILABLE: localhost:" + server.port());
    assertThat(result.err().lines()).hasSize(1);
    assertThat(server.requests).isEmpty();
  }
}
