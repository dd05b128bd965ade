package dev.accord.certs;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority: a self-signed CA certificate and its private key, which issue server and
 * client certificates.
 *
 * <p>New keys are EC P-256; signatures are SHA-256 with ECDSA (with RSA when the CA's key is RSA).
 * Every subject is {@code O=accord.dev,CN=...}. Certificates start to be valid {@link #BACKDATE}
 * before they are made, for peers whose clocks are a little behind. Only the JDK's own providers
 * generate keys and sign (BouncyCastle only builds the ASN.1), so nothing depends on BouncyCastle's
 * provider being registered, or on its jar's signature surviving shading.
 */
public record CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
  /** The O of every subject. */
  public static final String ORGANIZATION = "accord.dev";

  public static final Duration BACKDATE = Duration.ofHours(1);

  public CertificateAuthority {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
  }

  /**
   * A new CA named {@code commonName}, valid for {@code validity} from now. Its path length is 0:
   * it signs leaf certificates only, never another CA.
   */
  public static CertificateAuthority create(String commonName, Duration validity, Clock clock) {
    try {
      KeyPair keys = Keys.newKeyPair();
      X500Name subject = subject(commonName);
      Instant now = clock.instant();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject,
                  serialNumber(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(now.plus(validity)),
                  subject,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
      return new CertificateAuthority(sign(builder, keys.getPrivate()), keys.getPrivate());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not make a certificate authority: " + e, e);
    }
  }

  /** Whether {@code certificate} may sign others (basic constraints say it is a CA). */
  public static boolean isCaCertificate(X509Certificate certificate) {
    return certificate.getBasicConstraints() >= 0;
  }

  /**
   * A new key pair and a certificate for it as {@code request} describes, signed by this CA: not a
   * CA itself, key usage digital signature, valid from now for the request's validity but never
   * beyond this CA's.
   */
  public IssuedCertificate issue(CertificateRequest request, Clock clock) {
    try {
      KeyPair keys = Keys.newKeyPair();
      Instant now = clock.instant();
      Instant notAfter = now.plus(request.validity());
      Instant caNotAfter = certificate.getNotAfter().toInstant();
      if (notAfter.isAfter(caNotAfter)) {
        notAfter = caNotAfter;
      }
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  certificate,
                  serialNumber(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(notAfter),
                  subject(request.subjectCommonName()),
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(
                      request.purposes().stream()
                          .map(purpose -> purpose.id)
                          .toArray(KeyPurposeId[]::new)));
      if (!request.names().isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames(request));
      }
      builder
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              extensions.createSubjectKeyIdentifier(keys.getPublic()))
          .addExtension(
              Extension.authorityKeyIdentifier,
              false,
              extensions.createAuthorityKeyIdentifier(certificate));
      return new IssuedCertificate(sign(builder, privateKey), keys.getPrivate(), certificate);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not issue a certificate: " + e, e);
    }
  }

  /** The CA certificate in PEM. */
  public String certificatePem() {
    return Pem.write(certificate);
  }

  /** The CA's private key in PKCS#8 PEM. */
  public String privateKeyPem() {
    return Pem.write(privateKey);
  }

  /** Whether {@code other} is the same CA: the same certificate. */
  public boolean sameAs(CertificateAuthority other) {
    return other != null && certificate.equals(other.certificate);
  }

  private static GeneralNames alternativeNames(CertificateRequest request) {
    return new GeneralNames(
        request.names().stream()
            .map(
                name ->
                    CertificateRequest.isIpAddress(name)
                        ? new GeneralName(GeneralName.iPAddress, name)
                        : new GeneralName(GeneralName.dNSName, name))
            .toArray(GeneralName[]::new));
  }

  private static X500Name subject(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, ORGANIZATION)
        .addRDN(BCStyle.CN, commonName)
        .build();
  }

  /** Positive, 159 random bits: unique in practice, and within the 20 octets RFC 5280 allows. */
  private static BigInteger serialNumber() {
    return new BigInteger(159, Keys.RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder(Keys.signatureAlgorithm(issuerKey))
                      .build(issuerKey)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }
}
