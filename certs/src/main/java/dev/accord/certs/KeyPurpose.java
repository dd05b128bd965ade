package dev.accord.certs;

import org.bouncycastle.asn1.x509.KeyPurposeId;

/** What an issued certificate's key may be used for: its extended key usages. */
public enum KeyPurpose {
  /** TLS server authentication (id-kp-serverAuth, 1.3.6.1.5.5.7.3.1). */
  SERVER_AUTH(KeyPurposeId.id_kp_serverAuth),
  /** TLS client authentication (id-kp-clientAuth, 1.3.6.1.5.5.7.3.2). */
  CLIENT_AUTH(KeyPurposeId.id_kp_clientAuth);

  final KeyPurposeId id;

  KeyPurpose(KeyPurposeId id) {
    this.id = id;
  }
}
