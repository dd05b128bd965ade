package dev.accord.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A certificate a {@link CertificateAuthority} issued, with its private key and the CA's
 * certificate (not the CA's key: whoever presents this certificate has no business signing others).
 */
public record IssuedCertificate(
    X509Certificate certificate, PrivateKey privateKey, X509Certificate issuer) {
  public IssuedCertificate {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(issuer, "issuer");
  }

  /** What a TLS peer presents: this certificate, then its issuer's. */
  public X509Certificate[] chain() {
    return new X509Certificate[] {certificate, issuer};
  }

  public String certificatePem() {
    return Pem.write(certificate);
  }

  /** The private key in PKCS#8 PEM. */
  public String privateKeyPem() {
    return Pem.write(privateKey);
  }

  /**
   * The issuing CA's certificate in PEM: what a peer that trusts this certificate's issuer holds.
   */
  public String issuerPem() {
    return Pem.write(issuer);
  }
}
