package dev.accord.server.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * Where the server's TLS material is: its certificate chain and private key (PEM), and optionally
 * the CA whose certificates clients must present (mTLS). All null: plaintext.
 *
 * @param certFile {@code ACCORD_TLS_CERT_FILE}: the server's certificate chain, leaf first
 * @param keyFile {@code ACCORD_TLS_KEY_FILE}: the server's private key, PKCS#8
 * @param clientCaFile {@code ACCORD_TLS_CLIENT_CA_FILE}: the CA client certificates must chain to
 */
public record TlsSettings(Path certFile, Path keyFile, Path clientCaFile) {
  static final String CERT = "ACCORD_TLS_CERT_FILE (--tls-cert-file)";
  static final String KEY = "ACCORD_TLS_KEY_FILE (--tls-key-file)";
  static final String CLIENT_CA = "ACCORD_TLS_CLIENT_CA_FILE (--tls-client-ca-file)";

  /** No TLS. */
  public static final TlsSettings PLAINTEXT = new TlsSettings(null, null, null);

  /**
   * Checks that the files are set together, readable, and hold what they should, so a mistake stops
   * the server at start rather than at the first handshake.
   *
   * @throws IllegalArgumentException naming the variable (and flag) to fix
   */
  public TlsSettings {
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException(
          (certFile == null ? KEY + " is set without " + CERT : CERT + " is set without " + KEY)
              + ": TLS needs both the certificate and its private key");
    }
    if (clientCaFile != null && certFile == null) {
      throw new IllegalArgumentException(
          CLIENT_CA + " needs TLS: set " + CERT + " and " + KEY + " as well");
    }
    if (certFile != null) {
      X509Certificate[] chain =
          PemFiles.certificates(read(certFile, CERT), describe(CERT, certFile));
      PemFiles.privateKey(read(keyFile, KEY), describe(KEY, keyFile), chain[0]);
    }
    if (clientCaFile != null) {
      PemFiles.certificates(read(clientCaFile, CLIENT_CA), describe(CLIENT_CA, clientCaFile));
    }
  }

  /** Whether the gRPC port speaks TLS. */
  public boolean enabled() {
    return certFile != null;
  }

  /** Whether clients must present a certificate signed by {@link #clientCaFile}. */
  public boolean clientCertificatesRequired() {
    return clientCaFile != null;
  }

  /** The bytes of {@code file}, or an error naming the setting. */
  static byte[] read(Path file, String setting) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(setting + ": cannot read " + file + ": " + e, e);
    }
  }

  static String describe(String setting, Path file) {
    return setting + " (" + file + ")";
  }
}
