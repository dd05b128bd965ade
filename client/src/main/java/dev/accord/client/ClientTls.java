package dev.accord.client;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.util.CertificateUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * How a client speaks TLS: whom it trusts (a CA file, else the JVM's default trust store) and, for
 * mTLS, the certificate it presents. Each file is read and checked when set, so a bad one is an
 * error naming its setting before any connection.
 *
 * @param caFile PEM CA certificates to trust, or null for the JVM's trust store
 * @param certFile PEM client certificate chain, or null for none
 * @param keyFile PEM (PKCS#8) private key of {@code certFile}, or null for none
 */
record ClientTls(Path caFile, Path certFile, Path keyFile) {
  /** TLS trusting the JVM's default trust store, no client certificate. */
  static final ClientTls DEFAULT_TRUST = new ClientTls(null, null, null);

  ClientTls withTrust(Path caFile, String setting) {
    if (caFile == null) {
      throw new IllegalArgumentException(setting + " must name a PEM CA certificate file");
    }
    checkCertificates(caFile, setting);
    return new ClientTls(caFile, certFile, keyFile);
  }

  ClientTls withClientCertificate(
      Path certFile, String certSetting, Path keyFile, String keySetting) {
    if (certFile == null || keyFile == null) {
      throw new IllegalArgumentException(
          (certFile == null
                  ? keySetting + " is set without " + certSetting
                  : certSetting + " is set without " + keySetting)
              + ": a client certificate needs both the certificate and its private key");
    }
    checkCertificates(certFile, certSetting);
    byte[] key = read(keyFile, keySetting);
    try {
      CertificateUtils.getPrivateKey(new ByteArrayInputStream(key));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          keySetting
              + ": "
              + keyFile
              + " is not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----): "
              + e.getMessage(),
          e);
    }
    return new ClientTls(caFile, certFile, keyFile);
  }

  /**
   * The transport for a client's settings: plaintext unless it has TLS settings or an {@code
   * https://} target (which trusts the JVM's default trust store).
   */
  static ChannelCredentials transport(ClientTls tls, boolean httpsTarget) {
    return tls == null && !httpsTarget
        ? InsecureChannelCredentials.create()
        : (tls == null ? DEFAULT_TRUST : tls).credentials();
  }

  /** The channel credentials these settings describe. */
  ChannelCredentials credentials() {
    TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
    try {
      if (caFile != null) {
        builder.trustManager(caFile.toFile());
      }
      if (certFile != null) {
        builder.keyManager(certFile.toFile(), keyFile.toFile());
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read a TLS file: " + e.getMessage(), e);
    }
    return builder.build();
  }

  private static void checkCertificates(Path file, String setting) {
    byte[] pem = read(file, setting);
    try {
      if (CertificateUtils.getX509Certificates(new ByteArrayInputStream(pem)).length == 0) {
        throw new IllegalArgumentException(
            setting + ": " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          setting + ": " + file + " is not a PEM certificate: " + e.getMessage(), e);
    }
  }

  private static byte[] read(Path file, String setting) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(setting + ": cannot read " + file + ": " + e, e);
    }
  }
}
