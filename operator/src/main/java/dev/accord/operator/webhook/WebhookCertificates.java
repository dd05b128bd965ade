package dev.accord.operator.webhook;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The webhook's certificates, which the operator makes itself (no cert-manager needed).
 *
 * <ul>
 *   <li>A certificate authority: an EC P-256 key pair and a self-signed CA certificate (10 years), kept as PEM in
 *       the Secret {@value #CA_SECRET} (keys {@value #CA_CERT_KEY}, {@value #CA_KEY_KEY}) in the operator's
 *       namespace. Created when absent (when two replicas race, the loser reads the winner's), and never
 *       regenerated while it exists: every replica and every restart uses the same CA. To rotate it, write a new
 *       CA into the Secret: running replicas adopt it within a minute (see {@link WebhookServer}).</li>
 *   <li>A serving certificate for the Service {@value #SERVICE} (its DNS names in the operator's namespace), made
 *       in memory at each start, signed by that CA, valid one year (renewed by the running server before then).</li>
 *   <li>The {@code caBundle} of every webhook of the MutatingWebhookConfiguration {@value #WEBHOOK_CONFIGURATION}:
 *       kept equal to the CA certificate, patched only when it differs, left alone while the configuration does
 *       not exist.</li>
 * </ul>
 *
 * <p>Only the JDK's own providers are used (BouncyCastle builds and parses the ASN.1 and PEM; the JDK signs), so
 * nothing depends on BouncyCastle's provider being registered or its jar being signed in the shaded jar.
 */
public final class WebhookCertificates {
  /** The Secret holding the CA, in the operator's namespace. */
  public static final String CA_SECRET = "accord-operator-webhook-ca";
  public static final String CA_CERT_KEY = "ca.crt";
  public static final String CA_KEY_KEY = "ca.key";
  /** The Service in front of the webhook, in the operator's namespace. */
  public static final String SERVICE = "accord-operator-webhook";
  /** The MutatingWebhookConfiguration whose caBundle the operator keeps. */
  public static final String WEBHOOK_CONFIGURATION = "accord-operator";

  public static final Duration CA_VALIDITY = Duration.ofDays(3650);
  public static final Duration SERVING_VALIDITY = Duration.ofDays(365);
  /** Certificates start to be valid this long before they are made, for clocks a little behind ours. */
  static final Duration BACKDATE = Duration.ofHours(1);

  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern IPV4 = Pattern.compile("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$");
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private WebhookCertificates() {}

  /** A certificate authority: its self-signed certificate and private key. */
  public record Authority(X509Certificate certificate, PrivateKey privateKey) {
    public Authority {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(privateKey, "privateKey");
    }

    /** The CA certificate in PEM, as in the Secret and (base64-encoded once more) in the caBundle. */
    public String certificatePem() {
      return pem("CERTIFICATE", encoded(certificate));
    }

    /** The private key in PKCS#8 PEM. */
    String privateKeyPem() {
      return pem("PRIVATE KEY", privateKey.getEncoded());
    }

    /** Whether this is the same CA (same certificate) as another. */
    public boolean sameAs(Authority other) {
      return other != null && certificate.equals(other.certificate);
    }
  }

  /** A serving certificate, its key, and the CA that signed it. */
  public record Serving(X509Certificate certificate, PrivateKey privateKey, Authority issuer) {}

  // ---------------------------------------------------------------------------------------------------------------
  // The CA and its Secret

  /** A new CA: EC P-256, valid {@link #CA_VALIDITY}. */
  public static Authority newAuthority(Clock clock) {
    try {
      KeyPair keys = newKeyPair();
      X500Name subject = new X500Name("O=accord.dev,CN=accord-operator-webhook-ca");
      Instant now = clock.instant();
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serialNumber(),
          Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), subject, keys.getPublic())
          // Path length 0: it signs serving certificates only, never another CA.
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              extensions.createSubjectKeyIdentifier(keys.getPublic()));
      return new Authority(sign(builder, keys.getPrivate()), keys.getPrivate());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not make the webhook's certificate authority: " + e, e);
    }
  }

  /**
   * The CA in the Secret {@value #CA_SECRET} of {@code namespace}; created with a new CA when the Secret does not
   * exist. When another replica creates it first (409 AlreadyExists), that one is read and used.
   *
   * @throws IllegalStateException when the Secret exists but does not hold a usable CA (it is left alone: delete
   *     it, or write a valid CA into it, and restart)
   * @throws KubernetesClientException when the API server cannot be asked
   */
  public static Authority loadOrCreateAuthority(KubernetesClient client, String namespace, Clock clock) {
    return loadOrCreateAuthority(client, namespace, () -> newAuthority(clock));
  }

  /** As {@link #loadOrCreateAuthority(KubernetesClient, String, Clock)}, with the new CA made by {@code fresh}. */
  static Authority loadOrCreateAuthority(KubernetesClient client, String namespace, Supplier<Authority> fresh) {
    Optional<Authority> existing = readAuthority(client, namespace);
    if (existing.isPresent()) {
      return existing.get();
    }
    Authority created = fresh.get();
    return createAuthoritySecret(client, namespace, created);
  }

  /**
   * Stores {@code authority} in a new Secret {@value #CA_SECRET}; when one appeared meanwhile (409), returns the CA
   * it holds instead.
   */
  static Authority createAuthoritySecret(KubernetesClient client, String namespace, Authority authority) {
    try {
      client.secrets().inNamespace(namespace).resource(authoritySecret(namespace, authority)).create();
      return authority;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      // Another replica created it first: use the winner's, so that every replica serves with the same CA.
      return readAuthority(client, namespace).orElseThrow(() -> new IllegalStateException("Secret " + namespace
          + "/" + CA_SECRET + " already existed when creating it, then was gone when reading it; retry"));
    }
  }

  /**
   * The CA in the Secret, or empty when the Secret does not exist.
   *
   * @throws IllegalStateException when the Secret exists but does not hold a usable CA
   */
  public static Optional<Authority> readAuthority(KubernetesClient client, String namespace) {
    Secret secret = client.secrets().inNamespace(namespace).withName(CA_SECRET).get();
    if (secret == null) {
      return Optional.empty();
    }
    return Optional.of(parseAuthority(secret, namespace));
  }

  static Authority parseAuthority(Secret secret, String namespace) {
    String where = "Secret " + namespace + "/" + CA_SECRET;
    String fix = " (delete the Secret, or write a valid CA into it, and restart the operator)";
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    String certificatePem = decode(data.get(CA_CERT_KEY), where, CA_CERT_KEY, fix);
    String keyPem = decode(data.get(CA_KEY_KEY), where, CA_KEY_KEY, fix);
    X509Certificate certificate;
    PrivateKey key;
    try {
      certificate = parseCertificate(certificatePem);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalStateException(where + ": " + CA_CERT_KEY + " is not a PEM certificate: " + e.getMessage()
          + fix, e);
    }
    try {
      key = parsePrivateKey(keyPem);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(where + ": " + CA_KEY_KEY + " is not a PEM private key: " + e.getMessage()
          + fix, e);
    }
    if (certificate.getBasicConstraints() < 0) {
      throw new IllegalStateException(where + ": " + CA_CERT_KEY + " is not a CA certificate" + fix);
    }
    if (!keyMatches(certificate, key)) {
      throw new IllegalStateException(where + ": " + CA_KEY_KEY + " is not the key of " + CA_CERT_KEY + fix);
    }
    return new Authority(certificate, key);
  }

  static Secret authoritySecret(String namespace, Authority authority) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CA_CERT_KEY, base64(authority.certificatePem()));
    data.put(CA_KEY_KEY, base64(authority.privateKeyPem()));
    return new SecretBuilder()
        .withNewMetadata()
          .withName(CA_SECRET)
          .withNamespace(namespace)
          .addToLabels("app.kubernetes.io/name", "accord-operator")
          .addToLabels("app.kubernetes.io/part-of", "accord")
          .addToLabels("app.kubernetes.io/component", "webhook")
          .addToLabels("app.kubernetes.io/managed-by", "accord-operator")
          .addToAnnotations("accord.dev/description", "The certificate authority of the Accord operator's webhook."
              + " Kept while it exists; to rotate it, write a new CA here (ca.crt, ca.key; PEM).")
        .endMetadata()
        .withType("Opaque")
        .withData(data)
        .build();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Serving certificates

  /** The Service's DNS names in {@code namespace}, shortest first. */
  public static List<String> serviceNames(String namespace) {
    return List.of(SERVICE, SERVICE + "." + namespace, SERVICE + "." + namespace + ".svc",
        SERVICE + "." + namespace + ".svc.cluster.local");
  }

  /**
   * A serving certificate for {@code names} (DNS names, or IP addresses such as 127.0.0.1), signed by
   * {@code authority}, valid for {@code validity} but never beyond the CA.
   */
  public static Serving issueServing(Authority authority, List<String> names, Clock clock, Duration validity) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a serving certificate needs at least one name");
    }
    try {
      KeyPair keys = newKeyPair();
      Instant now = clock.instant();
      Instant notAfter = now.plus(validity);
      Instant caNotAfter = authority.certificate().getNotAfter().toInstant();
      if (notAfter.isAfter(caNotAfter)) {
        notAfter = caNotAfter;
      }
      List<GeneralName> alternatives = new ArrayList<>();
      String commonName = null;
      for (String name : names) {
        if (isIpAddress(name)) {
          alternatives.add(new GeneralName(GeneralName.iPAddress, name));
        } else {
          alternatives.add(new GeneralName(GeneralName.dNSName, name));
          if (commonName == null || name.endsWith(".svc")) {
            commonName = name;
          }
        }
      }
      X500Name subject = new X500Name("O=accord.dev,CN=" + (commonName == null ? names.get(0) : commonName));
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(authority.certificate(), serialNumber(),
          Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(alternatives.toArray(GeneralName[]::new)))
          .addExtension(Extension.subjectKeyIdentifier, false,
              extensions.createSubjectKeyIdentifier(keys.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false,
              extensions.createAuthorityKeyIdentifier(authority.certificate()));
      return new Serving(sign(builder, authority.privateKey()), keys.getPrivate(), authority);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not make the webhook's serving certificate: " + e, e);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The MutatingWebhookConfiguration's caBundle

  /** The caBundle value for a CA: its PEM certificate, base64-encoded. */
  public static String caBundle(Authority authority) {
    return base64(authority.certificatePem());
  }

  /** What {@link #syncCaBundle} did. */
  public enum BundleSync {
    /** No MutatingWebhookConfiguration {@value #WEBHOOK_CONFIGURATION} (yet): nothing written. */
    NO_CONFIGURATION,
    /** Every webhook's caBundle already was the CA: nothing written. */
    UP_TO_DATE,
    /** At least one webhook's caBundle was patched. */
    PATCHED
  }

  /**
   * Makes {@code webhooks[*].clientConfig.caBundle} of the MutatingWebhookConfiguration
   * {@value #WEBHOOK_CONFIGURATION} equal to the CA, with one JSON patch of only the webhooks that differ (each
   * guarded by a test of the webhook's name, so a concurrent reordering fails the patch rather than misplacing it).
   *
   * @throws KubernetesClientException when the API server refuses (such as missing RBAC)
   */
  public static BundleSync syncCaBundle(KubernetesClient client, Authority authority) {
    var resource = client.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName(WEBHOOK_CONFIGURATION);
    MutatingWebhookConfiguration configuration = resource.get();
    if (configuration == null) {
      return BundleSync.NO_CONFIGURATION;
    }
    String bundle = caBundle(authority);
    List<Map<String, Object>> operations = new ArrayList<>();
    List<MutatingWebhook> webhooks = configuration.getWebhooks() == null ? List.of() : configuration.getWebhooks();
    for (int i = 0; i < webhooks.size(); i++) {
      MutatingWebhook webhook = webhooks.get(i);
      if (webhook.getClientConfig() == null || bundle.equals(webhook.getClientConfig().getCaBundle())) {
        continue;
      }
      operations.add(Map.of("op", "test", "path", "/webhooks/" + i + "/name", "value", webhook.getName()));
      // "add" sets a member whether or not it exists.
      operations.add(Map.of("op", "add", "path", "/webhooks/" + i + "/clientConfig/caBundle", "value", bundle));
    }
    if (operations.isEmpty()) {
      return BundleSync.UP_TO_DATE;
    }
    resource.patch(PatchContext.of(PatchType.JSON), SERIALIZATION.asJson(operations));
    return BundleSync.PATCHED;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Helpers

  static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(issuerKey)).build(issuerKey);
      X509CertificateHolder holder = builder.build(signer);
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static String signatureAlgorithm(PrivateKey key) {
    return "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : SIGNATURE_ALGORITHM;
  }

  private static BigInteger serialNumber() {
    return new BigInteger(159, RANDOM).add(BigInteger.ONE);
  }

  static boolean isIpAddress(String name) {
    return IPV4.matcher(name).matches() || name.contains(":");
  }

  static boolean keyMatches(X509Certificate certificate, PrivateKey key) {
    try {
      byte[] probe = new byte[32];
      RANDOM.nextBytes(probe);
      String algorithm = signatureAlgorithm(key);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  static X509Certificate parseCertificate(String pem) throws GeneralSecurityException {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  /** A PEM private key: PKCS#8 ({@code PRIVATE KEY}) or the traditional EC/RSA forms. */
  static PrivateKey parsePrivateKey(String pem) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      throw new IOException(object == null ? "no PEM object found" : "a " + object.getClass().getSimpleName()
          + ", not a private key");
    }
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(String type, byte[] der) {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new IllegalStateException(e); // a StringWriter does not fail
    }
    return out.toString();
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
