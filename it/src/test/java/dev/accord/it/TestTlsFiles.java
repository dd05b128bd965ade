package dev.accord.it;

import dev.accord.certs.CertificateAuthority;
import dev.accord.certs.CertificateRequest;
import dev.accord.certs.IssuedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** CAs and the PEM files of certificates they issue, in a test's directory. */
final class TestTlsFiles {
  private static final Duration VALIDITY = Duration.ofDays(1);

  private TestTlsFiles() {}

  /** A certificate file, its key file, and the file of the CA that signed it. */
  record Pair(Path cert, Path key, Path ca) {}

  static CertificateAuthority newCa(String name) {
    return CertificateAuthority.create(name, VALIDITY, Clock.systemUTC());
  }

  /**
   * A server certificate for localhost and 127.0.0.1, written as {@code prefix}.crt/.key/-ca.crt.
   */
  static Pair server(CertificateAuthority ca, Path dir, String prefix) {
    IssuedCertificate issued =
        ca.issue(
            CertificateRequest.server(List.of("localhost", "127.0.0.1"), VALIDITY),
            Clock.systemUTC());
    return write(issued, dir, prefix);
  }

  /** A client certificate whose subject is {@code O=accord.dev,CN=commonName}. */
  static Pair client(CertificateAuthority ca, String commonName, Path dir) {
    return client(ca, commonName, dir, Clock.systemUTC());
  }

  /** A client certificate made as if at {@code clock}'s time (in the past: already expired). */
  static Pair client(CertificateAuthority ca, String commonName, Path dir, Clock clock) {
    IssuedCertificate issued =
        ca.issue(CertificateRequest.client(commonName, Duration.ofHours(1)), clock);
    return write(issued, dir, "client-" + commonName);
  }

  static Clock hoursAgo(int hours) {
    return Clock.fixed(Instant.now().minus(Duration.ofHours(hours)), ZoneOffset.UTC);
  }

  /**
   * Replaces {@code target}'s files with {@code source}'s the way a Kubernetes Secret volume does:
   * each file moved into place whole.
   */
  static void replace(Pair target, Pair source) {
    try {
      Files.move(source.key(), target.key(), StandardCopyOption.REPLACE_EXISTING);
      Files.move(source.cert(), target.cert(), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Pair write(IssuedCertificate issued, Path dir, String prefix) {
    try {
      Path cert = Files.writeString(dir.resolve(prefix + ".crt"), issued.certificatePem());
      Path key = Files.writeString(dir.resolve(prefix + ".key"), issued.privateKeyPem());
      Path ca = Files.writeString(dir.resolve(prefix + "-ca.crt"), issued.issuerPem());
      return new Pair(cert, key, ca);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
