package dev.accord.server.tls;

import dev.accord.server.security.Authenticator;
import dev.accord.server.security.Caller;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/**
 * The caller a client certificate names, Kubernetes' way: the subject's CN is the name, its O
 * values the groups. The TLS handshake has already checked the certificate against {@code
 * ACCORD_TLS_CLIENT_CA_FILE} (validity, signature); this only reads it.
 */
public final class ClientCertificateAuthenticator implements Authenticator {
  @Override
  public Caller authenticate(Metadata headers, Attributes transport) throws StatusException {
    SSLSession session = transport.get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return null;
    }
    Certificate[] peer;
    try {
      peer = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
    if (peer.length == 0 || !(peer[0] instanceof X509Certificate certificate)) {
      return null;
    }
    return caller(certificate.getSubjectX500Principal());
  }

  /** CN and O values of {@code subject}; UNAUTHENTICATED when it has no single CN. */
  static Caller caller(X500Principal subject) throws StatusException {
    List<String> commonNames = new ArrayList<>();
    Set<String> organizations = new LinkedHashSet<>();
    try {
      for (Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
        String value = String.valueOf(rdn.getValue());
        if (rdn.getType().equalsIgnoreCase("CN")) {
          commonNames.add(value);
        } else if (rdn.getType().equalsIgnoreCase("O")) {
          organizations.add(value);
        }
      }
    } catch (InvalidNameException e) {
      throw refused("client certificate subject cannot be read");
    }
    if (commonNames.size() != 1 || commonNames.get(0).isEmpty()) {
      throw refused(
          "client certificate subject must have exactly one CN (the caller's name), has "
              + commonNames.size());
    }
    return new Caller(commonNames.get(0), organizations);
  }

  private static StatusException refused(String message) {
    return Status.UNAUTHENTICATED.withDescription(message).asException();
  }
}
