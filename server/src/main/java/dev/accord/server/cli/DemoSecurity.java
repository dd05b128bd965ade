package dev.accord.server.cli;

import dev.accord.certs.CertificateAuthority;
import dev.accord.certs.CertificateRequest;
import dev.accord.certs.IssuedCertificate;
import dev.accord.client.AccordClient;
import dev.accord.client.AccordException;
import dev.accord.server.CallSecurity;
import dev.accord.server.access.AccessFileReloader;
import dev.accord.server.security.AuthMode;
import dev.accord.server.security.BearerAuthenticators;
import dev.accord.server.tls.ReloadingServerCredentials;
import dev.accord.server.tls.TlsSettings;
import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.Metadata;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Security switched on for a run on this machine ({@code demo --secure}, {@code bench --secure}): a
 * CA made for the run, a server certificate for localhost and 127.0.0.1 signed by it, one random
 * bearer token for {@link #USER}, and access rules making that user a worker on the run's
 * namespaces. The files live in a temporary directory (0700) that {@link #close} deletes; the
 * server reads them through the same code a deployment's settings use.
 */
public final class DemoSecurity implements AutoCloseable {
  /** The user the worker token is for. */
  public static final String USER = "demo-worker";

  private static final Duration VALIDITY = Duration.ofDays(1);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final String token;
  private final List<AutoCloseable> started = new ArrayList<>();

  private DemoSecurity(Path dir, String token) {
    this.dir = dir;
    this.token = token;
  }

  /**
   * Writes the CA, the server's certificate and key, the token files and the access rules (worker
   * on {@code namespaces}, access-file patterns such as {@code demo} or {@code bench-*}).
   */
  public static DemoSecurity create(List<String> namespaces) throws IOException {
    Path dir = Files.createTempDirectory("accord-security-");
    try {
      Clock clock = Clock.systemUTC();
      CertificateAuthority ca = CertificateAuthority.create("Accord run CA", VALIDITY, clock);
      IssuedCertificate server =
          ca.issue(CertificateRequest.server(List.of("localhost", "127.0.0.1"), VALIDITY), clock);
      byte[] secret = new byte[32];
      RANDOM.nextBytes(secret);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
      Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
      Files.writeString(dir.resolve("server.pem"), server.certificatePem() + server.issuerPem());
      Files.writeString(dir.resolve("server-key.pem"), server.privateKeyPem());
      Files.writeString(dir.resolve("tokens.csv"), token + "," + USER + ",1000\n");
      Files.writeString(dir.resolve("token"), token + "\n");
      Files.writeString(
          dir.resolve("access.yaml"),
          "rules:\n  - principals: [\""
              + USER
              + "\"]\n    namespaces: ["
              + namespaces.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "))
              + "]\n    role: worker\n");
      return new DemoSecurity(dir, token);
    } catch (IOException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /** The file holding the worker's bearer token. */
  public Path tokenFile() {
    return dir.resolve("token");
  }

  public Path caFile() {
    return dir.resolve("ca.pem");
  }

  /** The server's settings, as environment variables, for a server run as another process. */
  public Map<String, String> serverEnvironment() {
    return Map.of(
        "ACCORD_TLS_CERT_FILE", dir.resolve("server.pem").toString(),
        "ACCORD_TLS_KEY_FILE", dir.resolve("server-key.pem").toString(),
        "ACCORD_AUTH", "tokens:" + dir.resolve("tokens.csv"),
        "ACCORD_ACCESS_FILE", dir.resolve("access.yaml").toString());
  }

  /** TLS credentials for a server in this process, following the certificate files. */
  public synchronized ServerCredentials serverCredentials() {
    ReloadingServerCredentials tls =
        ReloadingServerCredentials.start(
            new TlsSettings(dir.resolve("server.pem"), dir.resolve("server-key.pem"), null),
            ReloadingServerCredentials.DEFAULT_RELOAD_PERIOD);
    started.add(tls);
    return tls.credentials();
  }

  /** Token authentication and the access rules, for a server in this process. */
  public synchronized CallSecurity callSecurity() {
    AccessFileReloader access =
        AccessFileReloader.start(dir.resolve("access.yaml"), AccessFileReloader.DEFAULT_INTERVAL);
    started.add(access);
    return new CallSecurity(
        BearerAuthenticators.of(new AuthMode.Tokens(dir.resolve("tokens.csv"))),
        access.policy(),
        true);
  }

  /** {@code builder} speaking TLS trusting the run's CA and sending the worker token. */
  public AccordClient.Builder client(AccordClient.Builder builder) {
    return builder.tlsTrust(caFile()).tokenFile(tokenFile());
  }

  /** For raw gRPC channels: TLS trusting the run's CA, the worker token on every call. */
  public ChannelCredentials channelCredentials() {
    try {
      return CompositeChannelCredentials.create(
          TlsChannelCredentials.newBuilder().trustManager(caFile().toFile()).build(),
          new Bearer(token));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the run's CA " + caFile(), e);
    }
  }

  /**
   * What a client with the CA but without the token gets from an Acquire in {@code namespace}: the
   * status code of the refusal, or OK if the server took the call.
   */
  public Status.Code callWithoutToken(String target, String namespace) {
    try (AccordClient client =
        AccordClient.builder()
            .target(target)
            .tlsTrust(caFile())
            .namespace(namespace)
            .owner("no-token")
            .doneCache(false)
            .callDeadline(Duration.ofSeconds(10))
            .build()) {
      client.acquire("security-check");
      return Status.Code.OK;
    } catch (AccordException e) {
      return e.code();
    }
  }

  /** Stops following the files and deletes them. */
  @Override
  public synchronized void close() throws Exception {
    for (AutoCloseable closeable : started) {
      closeable.close();
    }
    started.clear();
    deleteTree(dir);
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove the run's security files in " + root, e);
    }
  }

  /** {@code authorization: Bearer TOKEN} on every call. */
  private static final class Bearer extends CallCredentials {
    private static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private final String token;

    Bearer(String token) {
      this.token = token;
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + token);
      applier.apply(headers);
    }
  }
}
