package dev.accord.certs;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/** How long a certificate has left, and when to replace it. */
public final class Expiry {
  private Expiry() {}

  /** The time from {@code now} to the certificate's notAfter: negative once it has expired. */
  public static Duration remaining(X509Certificate certificate, Instant now) {
    return Duration.between(now, certificate.getNotAfter().toInstant());
  }

  /**
   * Whether less than a third of the certificate's lifetime (notBefore to notAfter) is left at
   * {@code now}: time to issue its successor, early enough that a failing renewal is noticed and
   * retried long before clients see an expired certificate.
   */
  public static boolean renewalDue(X509Certificate certificate, Instant now) {
    Duration lifetime =
        Duration.between(
            certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
    return remaining(certificate, now).compareTo(lifetime.dividedBy(3)) < 0;
  }
}
