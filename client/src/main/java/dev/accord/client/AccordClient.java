package dev.accord.client;

import dev.accord.api.InputLimits;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's connection to Accord: acquire resources, hold them with self-renewing {@link Lease}s,
 * mark them done.
 *
 * <pre>{@code
 * try (AccordClient client = AccordClient.fromEnvironment()) {
 *   AcquireResult result = client.acquire("reports/2026-11-29.csv");
 *   if (result.isAcquired()) {
 *     try (Lease lease = result.lease()) {
 *       process(lease.fencingToken());
 *       lease.done();
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>A local done-cache, warmed from the server and kept live by its Watch stream, answers DONE for
 * finished resources without a call. Calls that meet an unavailable server are retried with capped
 * exponential backoff and jitter until the call deadline; other errors surface at once with the
 * server's message. Thread-safe; one client serves many threads and thousands of open leases.
 */
public final class AccordClient implements AutoCloseable {
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
  public static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(30);
  public static final String ENV_TARGET = "ACCORD_TARGET";
  public static final String ENV_NAMESPACE = "ACCORD_NAMESPACE";
  public static final String ENV_OWNER = "ACCORD_OWNER";
  public static final String ENV_TTL = "ACCORD_TTL";
  public static final String ENV_TLS_CA_FILE = "ACCORD_TLS_CA_FILE";
  public static final String ENV_TLS_CERT_FILE = "ACCORD_TLS_CERT_FILE";
  public static final String ENV_TLS_KEY_FILE = "ACCORD_TLS_KEY_FILE";
  public static final String ENV_TOKEN_FILE = "ACCORD_TOKEN_FILE";

  /** Candidates one claim may carry, and the most leases it may ask for. */
  public static final int MAX_CLAIM = InputLimits.MAX_CLAIM_NAMES;

  private static final Logger log = LoggerFactory.getLogger(AccordClient.class);

  private final String owner;
  private final String namespace;
  private final Duration ttl;
  private final ClientRuntime runtime;

  /** Hears what happens in the background, where there is no caller to throw to. */
  public interface Listener {
    /** A lease was lost: a renewal was refused, or renewals failed until the lease ran out. */
    default void leaseLost(Lease lease, LeaseLostException cause) {
      log.warn("Lost the lease on \"{}\": {}", lease.name(), cause.getMessage());
    }

    /** Background work failed: the done-cache feed, a renewal being retried, a discard. */
    default void backgroundError(String what, Throwable error) {
      log.warn("Accord client: {} failed: {}", what, error.toString());
    }
  }

  private AccordClient(ClientSettings settings) {
    this.owner = settings.owner;
    this.namespace = settings.namespace;
    this.ttl = settings.ttl;
    this.runtime = new ClientRuntime(settings);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A client configured by {@code ACCORD_TARGET}, {@code ACCORD_NAMESPACE}, {@code ACCORD_OWNER},
   * {@code ACCORD_TTL}, {@code ACCORD_TOKEN_FILE}.
   */
  public static AccordClient fromEnvironment() {
    return builderFromEnvironment(System.getenv()).build();
  }

  /**
   * A builder configured from {@code env}: {@code ACCORD_TARGET} (required), {@code
   * ACCORD_NAMESPACE}, {@code ACCORD_OWNER} (else {@code HOSTNAME}, else a random UUID), {@code
   * ACCORD_TTL} ({@code 90s}, {@code 10m}, {@code 1h}), {@code ACCORD_TOKEN_FILE} (a bearer token,
   * re-read when it changes). This is what the operator injects into annotated pods.
   *
   * @throws IllegalArgumentException naming the variable that is missing or malformed and the
   *     expected form
   */
  public static Builder builderFromEnvironment(Map<String, String> env) {
    return ClientEnvironment.read(env);
  }

  // ---- the API ----

  /** Acquires {@code name} in this client's namespace with the default metadata. */
  public AcquireResult acquire(String name) {
    return acquire(name, Map.of());
  }

  /**
   * Acquires {@code name} in this client's namespace; {@code metadata} goes over the client's
   * default metadata. A name the done-cache knows answers DONE without a call.
   *
   * @throws AccordException when the server refuses the request or cannot be reached within the
   *     call deadline
   */
  public AcquireResult acquire(String name, Map<String, String> metadata) {
    return runtime.scope.acquire(name, metadata);
  }

  /** See {@link Scope#acquire(String, Duration)}: waits while another worker holds it. */
  public AcquireResult acquire(String name, Duration wait) throws InterruptedException {
    return runtime.scope.acquire(name, wait);
  }

  /** See {@link Scope#acquireAsync(String)}. */
  public CompletableFuture<AcquireResult> acquireAsync(String name) {
    return runtime.scope.acquireAsync(name);
  }

  /** See {@link Scope#acquireAsync(String, Duration)}. */
  public CompletableFuture<AcquireResult> acquireAsync(String name, Duration wait) {
    return runtime.scope.acquireAsync(name, wait);
  }

  /**
   * Acquires up to {@code max} of {@code names} in one call: the names the done-cache knows are
   * answered locally, the rest go to the server, which grants the free ones in the order given,
   * each as its own lease (renewing from now on), and says which are done or held. Against a server
   * without Claim (the Go implementation) it acquires the names one by one instead, with the same
   * answer.
   *
   * @throws IllegalArgumentException when {@code names} holds more than {@value #MAX_CLAIM} names,
   *     or {@code max} is not from 1 to {@value #MAX_CLAIM}
   * @throws AccordException when the server refuses the request or cannot be reached within the
   *     call deadline
   */
  public ClaimResult claim(List<String> names, int max) {
    return runtime.scope.claim(names, max);
  }

  /** See {@link Scope#claimAsync(List, int)}. */
  public CompletableFuture<ClaimResult> claimAsync(List<String> names, int max) {
    return runtime.scope.claimAsync(names, max);
  }

  /** This client's calls in another namespace, over the same connection: see {@link Scope}. */
  public Scope in(String namespace) {
    return runtime.scope.in(namespace);
  }

  /** This client's calls with leases of another TTL, over the same connection: {@link Scope}. */
  public Scope withTtl(Duration ttl) {
    return runtime.scope.withTtl(ttl);
  }

  /** The lease on {@code name} when it could be acquired, else empty (held, or done). */
  public Optional<Lease> tryAcquire(String name) {
    return acquire(name).leaseIfAcquired();
  }

  /** Whether the done-cache knows {@code name} is done (no call is made). */
  public boolean isKnownDone(String name) {
    return runtime.cache.contains(name);
  }

  /** How many done names the cache holds. */
  public int knownDoneCount() {
    return runtime.cache.size();
  }

  /**
   * Waits until the done-cache holds every name that was done when the client started (it keeps
   * following later ones after that). Returns false on timeout, or when the cache is disabled.
   */
  public boolean awaitCacheWarm(Duration timeout) throws InterruptedException {
    return runtime.feed != null && runtime.feed.awaitWarm(timeout);
  }

  /**
   * A loop running {@code task} over resources with {@code concurrency} threads: {@link WorkLoop}.
   */
  public WorkLoop workLoop(int concurrency, WorkLoop.Task task) {
    return runtime.scope.workLoop(concurrency, task);
  }

  public String owner() {
    return owner;
  }

  public String namespace() {
    return namespace;
  }

  public Duration ttl() {
    return ttl;
  }

  /**
   * Releases every lease still open (without retrying: an unreachable server lets them run out),
   * stops the background work and closes the connection, waiting up to 5 s for calls in flight.
   */
  @Override
  public void close() {
    runtime.close();
  }

  /**
   * Settings for an {@link AccordClient}; every setter checks its value and names the setting it
   * rejects.
   */
  public static final class Builder {
    private final ClientSettings settings = new ClientSettings();

    private Builder() {}

    /**
     * The server, as a gRPC target: {@code host:port}, or {@code dns:///host:port} to balance
     * round-robin over every address the name resolves to (a headless Service in Kubernetes), or
     * {@code https://host:port} for TLS trusting the JVM's default trust store (or the CA of {@link
     * #tlsTrust}).
     */
    public Builder target(String target) {
      settings.target = Settings.target(target, "target");
      settings.httpsTarget = Settings.isHttps(target);
      settings.channel = null;
      return this;
    }

    /** Speaks TLS, trusting the CA certificates in this PEM file (instead of the JVM's). */
    public Builder tlsTrust(Path caFile) {
      return tlsTrust(caFile, "tlsTrust");
    }

    Builder tlsTrust(Path caFile, String setting) {
      ClientTls tls = settings.tls == null ? ClientTls.DEFAULT_TRUST : settings.tls;
      settings.tls = tls.withTrust(caFile, setting);
      return this;
    }

    /** Speaks TLS and presents this PEM certificate chain and PKCS#8 key to the server (mTLS). */
    public Builder tlsClientCertificate(Path certFile, Path keyFile) {
      return tlsClientCertificate(
          certFile, "tlsClientCertificate certFile", keyFile, "tlsClientCertificate keyFile");
    }

    Builder tlsClientCertificate(
        Path certFile, String certSetting, Path keyFile, String keySetting) {
      ClientTls tls = settings.tls == null ? ClientTls.DEFAULT_TRUST : settings.tls;
      settings.tls = tls.withClientCertificate(certFile, certSetting, keyFile, keySetting);
      return this;
    }

    /** Uses this channel instead of a target (tests, direct mode); the client closes it. */
    public Builder channel(ManagedChannel channel) {
      settings.channel = channel;
      settings.target = null;
      return this;
    }

    /**
     * Runs after the client has closed its channel (direct mode stops its in-process server here).
     */
    public Builder onClose(AutoCloseable onClose) {
      settings.onClose = onClose;
      return this;
    }

    /** Who holds leases: unique per worker process (default: HOSTNAME, else a random UUID). */
    public Builder owner(String owner) {
      settings.owner = Settings.owner(owner, "owner");
      return this;
    }

    /** The namespace of every resource this client acquires (default: the empty namespace). */
    public Builder namespace(String namespace) {
      settings.namespace = Settings.namespace(namespace, "namespace");
      return this;
    }

    /**
     * How long a lease lasts without renewal, whole seconds from 1 s to 1 day (default 10 minutes).
     */
    public Builder ttl(Duration ttl) {
      settings.ttl = Settings.ttl(ttl, "ttl");
      return this;
    }

    /** Metadata sent with every acquire, under what the call itself gives. */
    public Builder defaultMetadata(Map<String, String> metadata) {
      settings.defaultMetadata = Map.copyOf(metadata);
      return this;
    }

    /** How long one call may take, retries included (default 30 s). */
    public Builder callDeadline(Duration deadline) {
      settings.callDeadline = Settings.positive(deadline, "callDeadline");
      return this;
    }

    /** Hears lost leases and background failures (default: logs them). */
    public Builder listener(Listener listener) {
      settings.listener = listener;
      return this;
    }

    /** Whether to keep the done-cache (default true); without it every acquire asks the server. */
    public Builder doneCache(boolean enabled) {
      settings.doneCache = enabled;
      return this;
    }

    /**
     * Sends the token in {@code file} as {@code authorization: Bearer …} with every call,
     * re-reading the file when it changes (projected ServiceAccount tokens rotate). Without TLS the
     * token travels in the clear: a warning is logged.
     *
     * @throws IllegalArgumentException when the file cannot be read or is empty
     */
    public Builder tokenFile(Path file) {
      return tokenFile(file, "tokenFile");
    }

    Builder tokenFile(Path file, String setting) {
      if (file == null) {
        throw new IllegalArgumentException(setting + " must name a file");
      }
      return token(new TokenFile(file, setting));
    }

    /**
     * Sends {@code token.get()}, asked for every call, as {@code authorization: Bearer …}; a
     * supplier that throws or answers empty fails the call UNAUTHENTICATED.
     */
    public Builder token(Supplier<String> token) {
      settings.credentials = token == null ? null : new BearerCredentials(token);
      return this;
    }

    /**
     * Traces every call into {@code openTelemetry}: a CLIENT span per call, child of the span
     * current where it starts, propagated to the server. Without this the client uses no
     * OpenTelemetry at all, and a worker needs no OpenTelemetry jar ({@code opentelemetry-api} is
     * an optional dependency: a worker calling this has it).
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      settings.tracing =
          ClientTracing.interceptor(Objects.requireNonNull(openTelemetry, "openTelemetry"));
      return this;
    }

    /**
     * Records the client's metrics in {@code registry}: calls by method and status, retries, leases
     * held and lost, the done-cache's size and warm time, work-loop outcomes. Micrometer is an
     * optional dependency: a worker that never calls this needs none on its classpath.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      if (registry == null) {
        throw new IllegalArgumentException("meterRegistry must not be null");
      }
      settings.meterRegistry = registry;
      return this;
    }

    public AccordClient build() {
      return new AccordClient(settings);
    }

    /**
     * A channel to the target with these TLS settings that sends the bearer token with every call,
     * for tools that call the generated stubs themselves (accordctl); the caller shuts it down.
     */
    public ManagedChannel buildChannel() {
      return settings.channelWithCredentials();
    }
  }
}
