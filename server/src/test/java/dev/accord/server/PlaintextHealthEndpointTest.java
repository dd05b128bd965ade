package dev.accord.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.V1Grpc;
import dev.accord.certs.CertificateAuthority;
import dev.accord.certs.CertificateRequest;
import dev.accord.certs.IssuedCertificate;
import dev.accord.server.backend.memory.MemoryBackend;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ACCORD_HEALTH_LISTEN: a TLS server answers a plaintext health check, as Kubernetes' gRPC probe
 * makes it, on its health port, and nothing else there.
 */
class PlaintextHealthEndpointTest {
  static ManagedChannel plaintext(int port) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  static ServingStatus check(ManagedChannel channel, String service) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  @Test
  void aTlsServerAnswersPlaintextProbesOnItsHealthPortOnly() throws Exception {
    Clock clock = Clock.systemUTC();
    CertificateAuthority ca = CertificateAuthority.create("test-ca", Duration.ofDays(1), clock);
    IssuedCertificate issued =
        ca.issue(CertificateRequest.server(List.of("localhost"), Duration.ofDays(1)), clock);
    TlsServerCredentials tls =
        (TlsServerCredentials)
            TlsServerCredentials.create(
                new ByteArrayInputStream(
                    issued.certificatePem().getBytes(StandardCharsets.US_ASCII)),
                new ByteArrayInputStream(
                    issued.privateKeyPem().getBytes(StandardCharsets.US_ASCII)));
    try (AccordServer server =
        AccordServer.start(
            AccordServer.tcp(new InetSocketAddress("127.0.0.1", 0), tls),
            new MemoryBackend(),
            2,
            Duration.ofSeconds(1),
            Duration.ofMillis(100),
            new CallSecurity(List.of(), null, true))) {
      Server health = PlaintextHealthEndpoint.start(new InetSocketAddress("127.0.0.1", 0), server);
      ManagedChannel toHealth = plaintext(health.getPort());
      ManagedChannel toApi = plaintext(server.port());
      try {
        assertThat(check(toHealth, "")).isEqualTo(ServingStatus.SERVING);
        assertThat(check(toHealth, AccordServer.LIVENESS_SERVICE)).isEqualTo(ServingStatus.SERVING);
        // The API is not there, in plaintext or otherwise.
        assertThatThrownBy(
                () ->
                    V1Grpc.newBlockingStub(toHealth)
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .acquire(
                            AcquireRequest.newBuilder()
                                .setOwner("a")
                                .setName("r")
                                .setNamespace("n")
                                .setTtl(10)
                                .build()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
        // Why the port exists: the TLS port refuses a plaintext probe.
        assertThatThrownBy(() -> check(toApi, ""))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

        server.shutdown();
        assertThat(check(toHealth, "")).isEqualTo(ServingStatus.NOT_SERVING);
      } finally {
        toHealth.shutdownNow();
        toApi.shutdownNow();
        health.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
