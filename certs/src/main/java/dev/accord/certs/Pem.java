package dev.accord.certs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/** Certificates and private keys to and from PEM text. */
public final class Pem {
  private Pem() {}

  /** The certificate as one {@code CERTIFICATE} PEM block, ending with a line break. */
  public static String write(X509Certificate certificate) {
    try {
      return block("CERTIFICATE", certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not encode the certificate: " + e, e);
    }
  }

  /** The key as one PKCS#8 {@code PRIVATE KEY} PEM block, ending with a line break. */
  public static String write(PrivateKey key) {
    return block("PRIVATE KEY", key.getEncoded());
  }

  /**
   * The first certificate in {@code pem}.
   *
   * @throws IllegalArgumentException with the parser's words when there is none or it does not
   *     parse
   */
  public static X509Certificate readCertificate(String pem) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(describe(e), e);
    }
  }

  /**
   * The first private key in {@code pem}: PKCS#8 ({@code PRIVATE KEY}) or the traditional {@code EC
   * PRIVATE KEY} and {@code RSA PRIVATE KEY} forms (unencrypted).
   *
   * @throws IllegalArgumentException when the first PEM object is missing, malformed, or not a
   *     private key
   */
  public static PrivateKey readPrivateKey(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      throw new IllegalArgumentException(
          object == null
              ? "no PEM object found"
              : "a " + object.getClass().getSimpleName() + ", not a private key");
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(describe(e), e);
    }
  }

  private static String describe(Exception e) {
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }

  private static String block(String type, byte[] der) {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new IllegalStateException(e); // a StringWriter does not fail
    }
    return out.toString();
  }
}
