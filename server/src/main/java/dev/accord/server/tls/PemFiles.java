package dev.accord.server.tls;

import io.grpc.util.CertificateUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * Certificates and keys read from PEM bytes, each failure an {@link IllegalArgumentException}
 * naming the setting the bytes came from.
 */
final class PemFiles {
  private static final byte[] PROBE = "accord key check".getBytes(StandardCharsets.US_ASCII);

  private PemFiles() {}

  /** Every certificate in {@code pem}, at least one. */
  static X509Certificate[] certificates(byte[] pem, String setting) {
    X509Certificate[] certificates;
    try {
      certificates = CertificateUtils.getX509Certificates(new ByteArrayInputStream(pem));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          setting + " is not a PEM certificate: " + e.getMessage(), e);
    }
    if (certificates.length == 0) {
      throw new IllegalArgumentException(
          setting + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return certificates;
  }

  /** The PKCS#8 private key in {@code pem}, checked to belong to {@code leaf}. */
  static PrivateKey privateKey(byte[] pem, String setting, X509Certificate leaf) {
    PrivateKey key;
    try {
      key = CertificateUtils.getPrivateKey(new ByteArrayInputStream(pem));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          setting
              + " is not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----): "
              + e.getMessage(),
          e);
    }
    if (!belongTogether(key, leaf.getPublicKey())) {
      throw new IllegalArgumentException(
          setting + " is not the private key of the certificate " + leaf.getSubjectX500Principal());
    }
    return key;
  }

  /**
   * Whether {@code key} signs what {@code publicKey} verifies: a certificate rewritten before its
   * key (a rotation half done) fails this and is not served.
   */
  private static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          default -> null;
        };
    if (algorithm == null || !key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
