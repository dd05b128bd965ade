package dev.accord.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * Issued certificates in real TLS handshakes, checked by the JDK's own PKIX validation: host names
 * and IP addresses, server and client key purposes.
 */
class TlsHandshakeTest {
  static final Duration DAY = Duration.ofDays(1);
  static final CertificateAuthority CA =
      CertificateAuthority.create("tls-test-ca", Duration.ofDays(30), Clock.systemUTC());

  @Test
  void mutualTlsWorksByHostNameAndByIpAddress() throws Exception {
    IssuedCertificate server =
        CA.issue(
            CertificateRequest.server(List.of("localhost", "127.0.0.1"), DAY), Clock.systemUTC());
    IssuedCertificate client =
        CA.issue(CertificateRequest.client("worker-1", DAY), Clock.systemUTC());

    for (String host : List.of("localhost", "127.0.0.1")) {
      Outcome outcome = connect(server, client, host);
      assertThat(outcome.clientFailure()).as("client side, to %s", host).isNull();
      assertThat(outcome.serverFailure()).as("server side, to %s", host).isNull();
      assertThat(outcome.clientChain()[0])
          .as("what the server saw")
          .isEqualTo(client.certificate());
    }
  }

  @Test
  void aClientRefusesAServerWhoseCertificateNamesAnotherHost() throws Exception {
    IssuedCertificate server =
        CA.issue(
            CertificateRequest.server(List.of("elsewhere.example.test"), DAY), Clock.systemUTC());
    IssuedCertificate client =
        CA.issue(CertificateRequest.client("worker-1", DAY), Clock.systemUTC());

    assertThat(connect(server, client, "localhost").clientFailure())
        .isInstanceOf(SSLHandshakeException.class)
        .hasStackTraceContaining("No subject alternative DNS name matching localhost found");
  }

  @Test
  void aClientCertificateCannotServeAndAServerCertificateCannotAuthenticateAClient()
      throws Exception {
    IssuedCertificate server =
        CA.issue(CertificateRequest.server(List.of("localhost"), DAY), Clock.systemUTC());
    IssuedCertificate clientOnly =
        CA.issue(CertificateRequest.client("localhost", DAY), Clock.systemUTC());
    IssuedCertificate serverOnly =
        CA.issue(CertificateRequest.server(List.of("worker-1"), DAY), Clock.systemUTC());
    IssuedCertificate both =
        CA.issue(
            CertificateRequest.server(List.of("localhost"), DAY)
                .withPurposes(KeyPurpose.SERVER_AUTH, KeyPurpose.CLIENT_AUTH),
            Clock.systemUTC());

    assertThat(connect(clientOnly, both, "localhost").clientFailure())
        .as("a clientAuth certificate serving")
        .isInstanceOf(SSLHandshakeException.class)
        .hasStackTraceContaining(
            "Extended key usage does not permit use for TLS server authentication");
    assertThat(connect(server, serverOnly, "localhost").serverFailure())
        .as("a serverAuth certificate as client")
        .isInstanceOf(SSLHandshakeException.class)
        .hasStackTraceContaining(
            "Extended key usage does not permit use for TLS client authentication");
    Outcome bothWays = connect(both, both, "localhost");
    assertThat(bothWays.clientFailure()).as("one certificate for both, client side").isNull();
    assertThat(bothWays.serverFailure()).as("one certificate for both, server side").isNull();
  }

  /**
   * How a connection went on each side: the failure each saw (null if none), and the chain the
   * client sent.
   */
  record Outcome(Exception clientFailure, Exception serverFailure, X509Certificate[] clientChain) {}

  /**
   * A TLS 1.3 connection to a loopback server that presents {@code server} and requires a client
   * certificate, from a client that presents {@code client} and checks the server's certificate
   * against {@code host}; both trust only the CA.
   */
  static Outcome connect(IssuedCertificate server, IssuedCertificate client, String host)
      throws Exception {
    try (SSLServerSocket listener =
        (SSLServerSocket) context(server).getServerSocketFactory().createServerSocket()) {
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      listener.setNeedClientAuth(true);
      CompletableFuture<Object> serverSide =
          CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                  socket.setSoTimeout(10_000);
                  socket.startHandshake();
                  X509Certificate[] chain =
                      (X509Certificate[]) socket.getSession().getPeerCertificates();
                  InputStream in = socket.getInputStream();
                  OutputStream out = socket.getOutputStream();
                  out.write(in.read());
                  out.flush();
                  return chain;
                } catch (Exception e) {
                  return e;
                }
              });
      Exception clientFailure = null;
      try (SSLSocket socket =
          (SSLSocket)
              context(client).getSocketFactory().createSocket(host, listener.getLocalPort())) {
        socket.setSoTimeout(10_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        // With TLS 1.3 the server judges the client's certificate after the client has finished its
        // handshake:
        // reading the echo waits for that judgement.
        socket.getOutputStream().write(42);
        socket.getOutputStream().flush();
        socket.getInputStream().read();
      } catch (Exception e) {
        clientFailure = e;
      }
      Object serverResult = serverSide.get(20, TimeUnit.SECONDS);
      return serverResult instanceof Exception e
          ? new Outcome(clientFailure, e, null)
          : new Outcome(clientFailure, null, (X509Certificate[]) serverResult);
    }
  }

  /** TLS that presents {@code own} and trusts only its issuer. */
  static SSLContext context(IssuedCertificate own) throws Exception {
    char[] password = new char[0];
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("own", own.privateKey(), password, own.chain());
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, password);
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("ca", own.issuer());
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLSv1.3");
    tls.init(keyManagers.getKeyManagers(), trust.getTrustManagers(), null);
    return tls;
  }
}
