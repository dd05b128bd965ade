package dev.accord.operator.webhook;

import dev.accord.certs.CertificateAuthority;
import dev.accord.certs.Keys;
import dev.accord.certs.Pem;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The webhook's certificate authority, kept as PEM in the Secret {@value #NAME} (keys {@value
 * #CERTIFICATE_KEY}, {@value #PRIVATE_KEY_KEY}) of the operator's namespace. Created when absent
 * (when two replicas race, the loser reads the winner's), and never regenerated while it exists:
 * every replica and every restart uses the same CA. To rotate it, write a new CA into the Secret:
 * running replicas adopt it within a minute (see {@link CertificateRotation}).
 */
public final class WebhookCaSecret {
  public static final String NAME = "accord-operator-webhook-ca";
  public static final String CERTIFICATE_KEY = "ca.crt";
  public static final String PRIVATE_KEY_KEY = "ca.key";

  private final KubernetesClient client;
  private final String namespace;

  public WebhookCaSecret(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /**
   * The CA in the Secret; created with a new CA when the Secret does not exist. When another
   * replica creates it first (409 AlreadyExists), that one is read and used.
   *
   * @throws IllegalStateException when the Secret exists but does not hold a usable CA (it is left
   *     alone: delete it, or write a valid CA into it, and restart)
   * @throws KubernetesClientException when the API server cannot be asked
   */
  public CertificateAuthority loadOrCreate(Clock clock) {
    return loadOrCreate(() -> WebhookCertificates.newAuthority(clock));
  }

  /** As {@link #loadOrCreate(Clock)}, with the new CA made by {@code fresh}. */
  CertificateAuthority loadOrCreate(Supplier<CertificateAuthority> fresh) {
    Optional<CertificateAuthority> existing = read();
    if (existing.isPresent()) {
      return existing.get();
    }
    return create(fresh.get());
  }

  /**
   * Stores {@code authority} in a new Secret; when one appeared meanwhile (409), returns the CA it
   * holds instead.
   */
  CertificateAuthority create(CertificateAuthority authority) {
    try {
      client.secrets().inNamespace(namespace).resource(secret(namespace, authority)).create();
      return authority;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      // Another replica created it first: use the winner's, so that every replica serves with the
      // same CA.
      return read()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "Secret "
                          + namespace
                          + "/"
                          + NAME
                          + " already existed when creating it, then was gone when reading it; retry"));
    }
  }

  /**
   * The CA in the Secret, or empty when the Secret does not exist.
   *
   * @throws IllegalStateException when the Secret exists but does not hold a usable CA
   */
  public Optional<CertificateAuthority> read() {
    Secret secret = client.secrets().inNamespace(namespace).withName(NAME).get();
    if (secret == null) {
      return Optional.empty();
    }
    return Optional.of(parse(secret, namespace));
  }

  static CertificateAuthority parse(Secret secret, String namespace) {
    String where = "Secret " + namespace + "/" + NAME;
    String fix = " (delete the Secret, or write a valid CA into it, and restart the operator)";
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    String certificatePem = decode(data.get(CERTIFICATE_KEY), where, CERTIFICATE_KEY, fix);
    String keyPem = decode(data.get(PRIVATE_KEY_KEY), where, PRIVATE_KEY_KEY, fix);
    X509Certificate certificate;
    PrivateKey key;
    try {
      certificate = Pem.readCertificate(certificatePem);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          where + ": " + CERTIFICATE_KEY + " is not a PEM certificate: " + e.getMessage() + fix, e);
    }
    try {
      key = Pem.readPrivateKey(keyPem);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          where + ": " + PRIVATE_KEY_KEY + " is not a PEM private key: " + e.getMessage() + fix, e);
    }
    if (!CertificateAuthority.isCaCertificate(certificate)) {
      throw new IllegalStateException(
          where + ": " + CERTIFICATE_KEY + " is not a CA certificate" + fix);
    }
    if (!Keys.matches(certificate, key)) {
      throw new IllegalStateException(
          where + ": " + PRIVATE_KEY_KEY + " is not the key of " + CERTIFICATE_KEY + fix);
    }
    return new CertificateAuthority(certificate, key);
  }

  /** The Secret holding {@code authority} in {@code namespace}, as this operator writes it. */
  static Secret secret(String namespace, CertificateAuthority authority) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CERTIFICATE_KEY, base64(authority.certificatePem()));
    data.put(PRIVATE_KEY_KEY, base64(authority.privateKeyPem()));
    return new SecretBuilder()
        .withNewMetadata()
        .withName(NAME)
        .withNamespace(namespace)
        .addToLabels("app.kubernetes.io/name", "accord-operator")
        .addToLabels("app.kubernetes.io/part-of", "accord")
        .addToLabels("app.kubernetes.io/component", "webhook")
        .addToLabels("app.kubernetes.io/managed-by", "accord-operator")
        .addToAnnotations(
            "accord.dev/description",
            "The certificate authority of the Accord operator's webhook."
                + " Kept while it exists; to rotate it, write a new CA here (ca.crt, ca.key; PEM).")
        .endMetadata()
        .withType("Opaque")
        .withData(data)
        .build();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static String decode(String base64, String where, String key, String fix) {
    if (base64 == null || base64.isBlank()) {
      throw new IllegalStateException(where + " has no " + key + fix);
    }
    try {
      return new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(where + ": " + key + " is not base64" + fix, e);
    }
  }
}
