package dev.accord.operator.webhook;

import dev.accord.certs.CertificateAuthority;
import dev.accord.certs.CertificateRequest;
import dev.accord.certs.IssuedCertificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The webhook's certificates, which the operator makes itself (no cert-manager needed): a
 * certificate authority valid ten years, kept in {@link WebhookCaSecret}, and serving certificates
 * valid one year for the Service {@value #SERVICE}, made in memory and renewed by {@link
 * CertificateRotation}.
 */
public final class WebhookCertificates {
  /** The Service in front of the webhook, in the operator's namespace. */
  public static final String SERVICE = "accord-operator-webhook";

  public static final String CA_COMMON_NAME = "accord-operator-webhook-ca";
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);
  public static final Duration SERVING_VALIDITY = Duration.ofDays(365);

  private WebhookCertificates() {}

  /** A new CA for the webhook, valid {@link #CA_VALIDITY}. */
  public static CertificateAuthority newAuthority(Clock clock) {
    return CertificateAuthority.create(CA_COMMON_NAME, CA_VALIDITY, clock);
  }

  /** The Service's DNS names in {@code namespace}, shortest first. */
  public static List<String> serviceNames(String namespace) {
    return List.of(
        SERVICE,
        SERVICE + "." + namespace,
        SERVICE + "." + namespace + ".svc",
        SERVICE + "." + namespace + ".svc.cluster.local");
  }

  /**
   * A serving certificate for {@code names} (DNS names, or IP addresses such as 127.0.0.1), signed
   * by {@code authority}, valid for {@code validity} but never beyond the CA. Its CN is the
   * Service's {@code .svc} name, the one the API server calls it by.
   */
  public static IssuedCertificate issueServing(
      CertificateAuthority authority, List<String> names, Clock clock, Duration validity) {
    CertificateRequest request = CertificateRequest.server(names, validity);
    String svcName =
        names.stream()
            .filter(name -> name.endsWith(".svc"))
            .reduce((first, last) -> last)
            .orElse(null);
    return authority.issue(svcName == null ? request : request.withCommonName(svcName), clock);
  }
}
