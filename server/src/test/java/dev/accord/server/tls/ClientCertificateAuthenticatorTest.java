package dev.accord.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.certs.CertificateAuthority;
import dev.accord.certs.CertificateRequest;
import dev.accord.server.security.Caller;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import java.lang.reflect.Proxy;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/** A client certificate's subject as the caller: CN the name, O values the groups. */
class ClientCertificateAuthenticatorTest {
  private final ClientCertificateAuthenticator authenticator = new ClientCertificateAuthenticator();

  @Test
  void aPeerCertificateIsItsCnWithItsOrganizationsAsGroups() throws Exception {
    CertificateAuthority ca =
        CertificateAuthority.create("test-ca", Duration.ofHours(1), Clock.systemUTC());
    Certificate certificate =
        ca.issue(CertificateRequest.client("alice", Duration.ofHours(1)), Clock.systemUTC())
            .certificate();

    Caller caller = authenticator.authenticate(new Metadata(), session(certificate));

    assertThat(caller).isEqualTo(new Caller("alice", Set.of(CertificateAuthority.ORGANIZATION)));
  }

  @Test
  void everyOrganizationIsAGroupAndOtherAttributesAreIgnored() throws Exception {
    Caller caller =
        ClientCertificateAuthenticator.caller(
            new X500Principal(
                "CN=system:serviceaccount:jobs:worker,O=batch-workers,OU=ignored,O=system:masters"));

    assertThat(caller.name()).isEqualTo("system:serviceaccount:jobs:worker");
    assertThat(caller.groups()).containsExactlyInAnyOrder("batch-workers", "system:masters");
  }

  @Test
  void noTlsSessionOrNoPeerCertificateIsNoCredentialOfThisKind() throws Exception {
    assertThat(authenticator.authenticate(new Metadata(), Attributes.EMPTY)).isNull();
    assertThat(authenticator.authenticate(new Metadata(), session())).isNull();
  }

  @Test
  void aSubjectWithoutExactlyOneCnIsUnauthenticatedSayingWhy() {
    for (String subject : new String[] {"O=accord.dev", "CN=a,CN=b,O=accord.dev"}) {
      assertThatThrownBy(() -> ClientCertificateAuthenticator.caller(new X500Principal(subject)))
          .as(subject)
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(e.getStatus().getDescription())
                    .startsWith("client certificate")
                    .contains("CN");
              });
    }
  }

  /**
   * Transport attributes of a TLS session whose peer presented {@code chain} (none: unverified).
   */
  private static Attributes session(Certificate... chain) {
    SSLSession session =
        (SSLSession)
            Proxy.newProxyInstance(
                SSLSession.class.getClassLoader(),
                new Class<?>[] {SSLSession.class},
                (proxy, method, args) -> {
                  if (!method.getName().equals("getPeerCertificates")) {
                    throw new UnsupportedOperationException(method.getName());
                  }
                  if (chain.length == 0) {
                    throw new SSLPeerUnverifiedException("peer not authenticated");
                  }
                  return chain;
                });
    return Attributes.newBuilder().set(Grpc.TRANSPORT_ATTR_SSL_SESSION, session).build();
  }
}
