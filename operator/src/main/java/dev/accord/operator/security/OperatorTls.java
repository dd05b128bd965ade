package dev.accord.operator.security;

import dev.accord.certs.CertificateAuthority;
import dev.accord.certs.CertificateRequest;
import dev.accord.certs.Expiry;
import dev.accord.certs.IssuedCertificate;
import dev.accord.certs.Keys;
import dev.accord.certs.Pem;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The certificates the operator issues for one cluster: its own CA (kept while its Secret exists)
 * and the servers' certificate, kept until a third of its life is left, its names change or another
 * CA is in place, then issued again.
 *
 * <p>One CA per cluster, not one per operator: a cluster's clients trust exactly its servers, a
 * cluster's CA key never leaves its namespace, and deleting the cluster deletes its CA.
 *
 * @param caCertificate the CA certificate (PEM)
 * @param caKey the CA's private key (PEM)
 * @param certificate the servers' certificate (PEM)
 * @param key the servers' private key (PEM)
 * @param notAfter when the servers' certificate expires
 */
public record OperatorTls(
    String caCertificate, String caKey, String certificate, String key, Instant notAfter) {
  public static final String CA_COMMON_NAME_SUFFIX = ".accord-ca";
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);
  public static final Duration SERVER_VALIDITY = Duration.ofDays(90);

  // Keys of the Secrets, as Kubernetes' kubernetes.io/tls type and cert-manager name them.
  public static final String CA_CERT_KEY = "ca.crt";
  public static final String CA_KEY_KEY = "ca.key";
  public static final String CERT_KEY = "tls.crt";
  public static final String KEY_KEY = "tls.key";

  /**
   * What the Secrets should hold now.
   *
   * @param caName the CA's common name
   * @param names the DNS names the servers' certificate must carry
   * @param caSecret the CA Secret, when it exists: its CA is kept
   * @param tlsSecret the servers' certificate Secret, when it exists: kept unless due
   * @throws IllegalStateException when the CA Secret exists but holds no usable CA (it is left for
   *     a person to fix rather than silently replaced, which would break every client's trust)
   */
  public static OperatorTls decide(
      String caName,
      List<String> names,
      Optional<Secret> caSecret,
      Optional<Secret> tlsSecret,
      Clock clock) {
    CertificateAuthority authority =
        caSecret
            .map(OperatorTls::readAuthority)
            .orElseGet(() -> CertificateAuthority.create(caName, CA_VALIDITY, clock));
    String caPem = caSecret.map(s -> decoded(s, CA_CERT_KEY)).orElse(authority.certificatePem());
    String caKeyPem = caSecret.map(s -> decoded(s, CA_KEY_KEY)).orElse(authority.privateKeyPem());
    Optional<OperatorTls> kept =
        tlsSecret.flatMap(s -> reusable(s, authority, names, clock.instant(), caPem, caKeyPem));
    if (kept.isPresent()) {
      return kept.get();
    }
    IssuedCertificate issued =
        authority.issue(CertificateRequest.server(names, SERVER_VALIDITY), clock);
    return new OperatorTls(
        caPem,
        caKeyPem,
        issued.certificatePem(),
        issued.privateKeyPem(),
        issued.certificate().getNotAfter().toInstant());
  }

  private static Optional<OperatorTls> reusable(
      Secret secret,
      CertificateAuthority authority,
      List<String> names,
      Instant now,
      String caPem,
      String caKeyPem) {
    String certPem = decoded(secret, CERT_KEY);
    String keyPem = decoded(secret, KEY_KEY);
    if (certPem == null || keyPem == null || !caPem.equals(decoded(secret, CA_CERT_KEY))) {
      return Optional.empty();
    }
    try {
      X509Certificate certificate = Pem.readCertificate(certPem);
      PrivateKey key = Pem.readPrivateKey(keyPem);
      certificate.verify(authority.certificate().getPublicKey());
      if (!Keys.matches(certificate, key)
          || Expiry.renewalDue(certificate, now)
          || !new TreeSet<>(names).equals(dnsNames(certificate))) {
        return Optional.empty();
      }
      return Optional.of(
          new OperatorTls(caPem, caKeyPem, certPem, keyPem, certificate.getNotAfter().toInstant()));
    } catch (RuntimeException | java.security.GeneralSecurityException e) {
      // A damaged or foreign certificate in our own Secret: issue a good one over it.
      return Optional.empty();
    }
  }

  /** The certificate's DNS subject alternative names. */
  public static Set<String> dnsNames(X509Certificate certificate)
      throws CertificateParsingException {
    Set<String> names = new TreeSet<>();
    Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
    if (alternatives != null) {
      for (List<?> name : alternatives) {
        if (Objects.equals(name.get(0), 2)) {
          names.add((String) name.get(1));
        }
      }
    }
    return names;
  }

  private static CertificateAuthority readAuthority(Secret secret) {
    String where = "Secret " + secret.getMetadata().getName();
    String certPem = decoded(secret, CA_CERT_KEY);
    String keyPem = decoded(secret, CA_KEY_KEY);
    if (certPem == null || keyPem == null) {
      throw new IllegalStateException(
          where + " lacks " + CA_CERT_KEY + " or " + CA_KEY_KEY + ": delete it to get a new CA");
    }
    try {
      X509Certificate certificate = Pem.readCertificate(certPem);
      PrivateKey key = Pem.readPrivateKey(keyPem);
      if (!CertificateAuthority.isCaCertificate(certificate) || !Keys.matches(certificate, key)) {
        throw new IllegalStateException(
            where + " does not hold a CA and its key: delete it to get a new CA");
      }
      return new CertificateAuthority(certificate, key);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          where + " holds no PEM CA (" + e.getMessage() + "): delete it to get a new CA", e);
    }
  }

  /** A Secret value as text, or null when absent. */
  static String decoded(Secret secret, String key) {
    Map<String, String> data = secret.getData();
    String value = data == null ? null : data.get(key);
    if (value == null || value.isBlank()) {
      return null;
    }
    return new String(Base64.getMimeDecoder().decode(value), StandardCharsets.US_ASCII);
  }

  static String encoded(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** The CA Secret's data. */
  public Map<String, String> caSecretData() {
    return Map.of(CA_CERT_KEY, encoded(caCertificate), CA_KEY_KEY, encoded(caKey));
  }

  /** The servers' Secret's data: their certificate, its key and the CA (no CA key). */
  public Map<String, String> serverSecretData() {
    return Map.of(
        CERT_KEY, encoded(certificate), KEY_KEY, encoded(key), CA_CERT_KEY, encoded(caCertificate));
  }
}
