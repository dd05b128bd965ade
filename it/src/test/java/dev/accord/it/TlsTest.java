package dev.accord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.accord.certs.CertificateAuthority;
import dev.accord.client.AccordClient;
import dev.accord.client.AcquireResult;
import dev.accord.client.Lease;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.memory.MemoryBackend;
import dev.accord.server.security.Caller;
import dev.accord.server.tls.ClientCertificateAuthenticator;
import dev.accord.server.tls.ReloadingServerCredentials;
import dev.accord.server.tls.TlsSettings;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mTLS on the gRPC port, from outside over a real socket. */
class TlsTest {
  private static final Duration RELOAD_PERIOD = Duration.ofMillis(100);

  @TempDir Path dir;
  private final CertificateAuthority ca = TestTlsFiles.newCa("accord-test-ca");
  private final List<AutoCloseable> closeAfter = new ArrayList<>();
  private final List<Caller> callers = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closeAfter.size() - 1; i >= 0; i--) {
      closeAfter.get(i).close();
    }
  }

  @Test
  void aClientTrustingTheServersCaCompletesTheHandshakeAndCalls() throws Exception {
    TestTlsFiles.Pair server = TestTlsFiles.server(ca, dir, "server");
    int port = start(new TlsSettings(server.cert(), server.key(), null));

    assertThat(health(port, tls(server.ca(), null))).isTrue();
    AccordClient client =
        closing(AccordClient.builder().target("localhost:" + port).tlsTrust(server.ca()).build());
    assertAcquires(client);
    AccordClient https =
        closing(
            AccordClient.builder()
                .target("https://localhost:" + port)
                .tlsTrust(server.ca())
                .build());
    assertAcquires(https);
  }

  @Test
  void aPlaintextClientToATlsServerAndATlsClientToAPlaintextServerFail() throws Exception {
    TestTlsFiles.Pair server = TestTlsFiles.server(ca, dir, "server");
    int tlsPort = start(new TlsSettings(server.cert(), server.key(), null));
    int plaintextPort = start(TlsSettings.PLAINTEXT);

    assertRefused(tlsPort, InsecureChannelCredentials.create());
    assertRefused(plaintextPort, tls(server.ca(), null));
    // https:// uses the JVM's trust store, which does not know the test CA.
    assertRefused(tlsPort, TlsChannelCredentials.create());
  }

  @Test
  void withClientCaAClientCertificateFromThatCaIsTheCallersCnAndO() throws Exception {
    TestTlsFiles.Pair server = TestTlsFiles.server(ca, dir, "server");
    TestTlsFiles.Pair alice = TestTlsFiles.client(ca, "alice", dir);
    int port = start(new TlsSettings(server.cert(), server.key(), alice.ca()));

    AccordClient client =
        closing(
            AccordClient.builder()
                .target("localhost:" + port)
                .tlsTrust(server.ca())
                .tlsClientCertificate(alice.cert(), alice.key())
                .build());
    assertAcquires(client);

    assertThat(callers).isNotEmpty().allMatch(caller -> caller.name().equals("alice"));
    assertThat(callers.get(0).groups()).isEqualTo(Set.of(CertificateAuthority.ORGANIZATION));
  }

  @Test
  void theClientReadsItsTlsSettingsFromTheEnvironment() throws Exception {
    TestTlsFiles.Pair server = TestTlsFiles.server(ca, dir, "server");
    TestTlsFiles.Pair bob = TestTlsFiles.client(ca, "bob", dir);
    int port = start(new TlsSettings(server.cert(), server.key(), bob.ca()));

    AccordClient client =
        closing(
            AccordClient.builderFromEnvironment(
                    Map.of(
                        "ACCORD_TARGET", "localhost:" + port,
                        "ACCORD_TLS_CA_FILE", server.ca().toString(),
                        "ACCORD_TLS_CERT_FILE", bob.cert().toString(),
                        "ACCORD_TLS_KEY_FILE", bob.key().toString()))
                .build());
    assertAcquires(client);
    assertThat(callers).extracting(Caller::name).contains("bob");
  }

  @Test
  void withClientCaNoCertificateAnotherCasAndAnExpiredOneAreRefused() throws Exception {
    TestTlsFiles.Pair server = TestTlsFiles.server(ca, dir, "server");
    int port = start(new TlsSettings(server.cert(), server.key(), server.ca()));
    TestTlsFiles.Pair stranger =
        TestTlsFiles.client(TestTlsFiles.newCa("another-ca"), "mallory", dir);
    TestTlsFiles.Pair expired = TestTlsFiles.client(ca, "late", dir, TestTlsFiles.hoursAgo(3));

    assertRefused(port, tls(server.ca(), null));
    assertRefused(port, tls(server.ca(), stranger));
    assertRefused(port, tls(server.ca(), expired));
    assertThat(callers).isEmpty();
  }

  @Test
  void rotatedCertificateFilesServeNewConnectionsWhileCallsRun() throws Exception {
    TestTlsFiles.Pair served = TestTlsFiles.server(ca, dir, "server");
    int port = start(new TlsSettings(served.cert(), served.key(), null));
    AccordClient before =
        closing(AccordClient.builder().target("localhost:" + port).tlsTrust(served.ca()).build());
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger calls = new AtomicInteger();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Thread load =
        new Thread(
            () -> {
              while (running.get()) {
                try {
                  assertAcquires(before);
                  calls.incrementAndGet();
                } catch (Throwable e) {
                  failures.add(e);
                }
              }
            });
    load.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() > 0);

    CertificateAuthority newCa = TestTlsFiles.newCa("accord-rotated-ca");
    TestTlsFiles.Pair rotated = TestTlsFiles.server(newCa, dir, "rotated");
    TestTlsFiles.replace(served, rotated);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(health(port, tls(rotated.ca(), null))).isTrue());
    assertRefused(port, tls(served.ca(), null));
    int callsAtRotation = calls.get();
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() > callsAtRotation);
    running.set(false);
    load.join();
    assertThat(failures).isEmpty();
  }

  /** Starts a server on the memory backend; every call's client certificate caller is recorded. */
  private int start(TlsSettings settings) throws IOException {
    ServerCredentials credentials = InsecureServerCredentials.create();
    if (settings.enabled()) {
      ReloadingServerCredentials reloading =
          ReloadingServerCredentials.start(settings, RELOAD_PERIOD);
      closeAfter.add(reloading);
      credentials = reloading.credentials();
    }
    AccordServer server =
        AccordServer.start(
            AccordServer.tcp(new InetSocketAddress("127.0.0.1", 0), credentials)
                .intercept(new RecordCallers()),
            new MemoryBackend(),
            4,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1));
    closeAfter.add(server);
    return server.port();
  }

  private final class RecordCallers implements ServerInterceptor {
    private final ClientCertificateAuthenticator authenticator =
        new ClientCertificateAuthenticator();

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      try {
        Caller caller = authenticator.authenticate(headers, call.getAttributes());
        if (caller != null) {
          callers.add(caller);
        }
      } catch (StatusException e) {
        call.close(e.getStatus(), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return next.startCall(call, headers);
    }
  }

  private AccordClient closing(AccordClient client) {
    closeAfter.add(client);
    return client;
  }

  private static void assertAcquires(AccordClient client) {
    AcquireResult result = client.acquire("tls-" + System.nanoTime());
    assertThat(result.isAcquired()).isTrue();
    try (Lease lease = result.lease()) {
      lease.done();
    }
  }

  private static ChannelCredentials tls(Path trustedCa, TestTlsFiles.Pair clientCertificate)
      throws IOException {
    TlsChannelCredentials.Builder builder =
        TlsChannelCredentials.newBuilder().trustManager(trustedCa.toFile());
    if (clientCertificate != null) {
      builder.keyManager(clientCertificate.cert().toFile(), clientCertificate.key().toFile());
    }
    return builder.build();
  }

  /** One health check on a new connection: true when it is answered. */
  private static boolean health(int port, ChannelCredentials credentials) throws Exception {
    ManagedChannel channel = Grpc.newChannelBuilder("localhost:" + port, credentials).build();
    try {
      HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance());
      return true;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static void assertRefused(int port, ChannelCredentials credentials) {
    assertThatThrownBy(() -> health(port, credentials))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }
}
