package dev.accord.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.V1Grpc;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What a caller without the cluster's trust or an allowed identity gets from a server the operator
 * configured, over a real socket: plaintext fails, no token is UNAUTHENTICATED, a token for another
 * audience is UNAUTHENTICATED, another namespace's ServiceAccount is PERMISSION_DENIED.
 */
final class SecurityProbes {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private SecurityProbes() {}

  static void assertRefusedWithoutTrustOrIdentity(
      String ip, int port, KubernetesClient client, StandInTokens tokens, String namespace)
      throws Exception {
    String ca =
        client.configMaps().inNamespace("jobs").withName("accord-ca").get().getData().get("ca.crt");
    ChannelCredentials tls =
        TlsChannelCredentials.newBuilder()
            .trustManager(new ByteArrayInputStream(ca.getBytes(StandardCharsets.US_ASCII)))
            .build();

    assertThat(acquire(ip, port, InsecureChannelCredentials.create(), null, namespace))
        .as("plaintext to the TLS port")
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(acquire(ip, port, tls, null, namespace)).isEqualTo(Status.Code.UNAUTHENTICATED);
    String otherAudience = tokens.issue("jobs", "worker", "vault", 600);
    assertThat(acquire(ip, port, tls, otherAudience, namespace))
        .as("the worker's token for another audience")
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    String intruder = tokens.issue("web", "intruder", "accord.dev", 600);
    assertThat(acquire(ip, port, tls, intruder, namespace))
        .as("another namespace's ServiceAccount")
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  /** The status code of one Acquire, which must fail. */
  private static Status.Code acquire(
      String ip, int port, ChannelCredentials credentials, String token, String namespace)
      throws InterruptedException {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(ip, port, credentials)
            // The name the certificate carries, as clients reach the servers by.
            .overrideAuthority("accord-headless.jobs.svc")
            .build();
    try {
      V1Grpc.V1BlockingStub stub = V1Grpc.newBlockingStub(channel);
      if (token != null) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      }
      V1Grpc.V1BlockingStub call = stub.withDeadlineAfter(10, TimeUnit.SECONDS);
      Throwable refused =
          catchThrowable(
              () ->
                  call.acquire(
                      AcquireRequest.newBuilder()
                          .setOwner("intruder")
                          .setName("report-00001")
                          .setNamespace(namespace)
                          .setTtl(10)
                          .build()));
      assertThat(refused)
          .as("Acquire in %s with %s", namespace, token == null ? "no token" : "a token")
          .isInstanceOf(StatusRuntimeException.class);
      return ((StatusRuntimeException) refused).getStatus().getCode();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
