package dev.accord.certs;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;

/**
 * Key pairs as this library makes them (EC P-256), and whether a private key belongs to a
 * certificate.
 */
public final class Keys {
  static final SecureRandom RANDOM = new SecureRandom();

  private Keys() {}

  /** A new EC P-256 key pair, from the JDK's provider. */
  static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  /**
   * What {@code key} signs with: SHA-256 with ECDSA, or with RSA for an RSA key (such as a CA made
   * elsewhere).
   */
  static String signatureAlgorithm(PrivateKey key) {
    return "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
  }

  /**
   * Whether {@code key} is the private key of {@code certificate}'s public key: a random probe
   * signed with one verifies with the other. False, never an exception, for keys of different
   * types.
   */
  public static boolean matches(X509Certificate certificate, PrivateKey key) {
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
}
