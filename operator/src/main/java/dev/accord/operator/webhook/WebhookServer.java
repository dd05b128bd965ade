package dev.accord.operator.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.accord.operator.webhook.WebhookCertificates.Authority;
import dev.accord.operator.webhook.WebhookCertificates.BundleSync;
import dev.accord.operator.webhook.WebhookCertificates.Serving;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mutating admission webhook over HTTPS: {@code POST /mutate-pods} with an AdmissionReview (v1), answered by
 * {@link PodInjector}.
 *
 * <p>{@link #start} takes the CA from the Secret {@value WebhookCertificates#CA_SECRET} (creating it when absent),
 * makes a serving certificate for the Service's names, sets the MutatingWebhookConfiguration's caBundle, and
 * serves. Then, every minute ({@link #maintain()}): it adopts the CA in the Secret if someone replaced it (and puts
 * the Secret back with the CA in use if someone deleted it), so that every replica converges on the same CA instead
 * of fighting over the caBundle; re-checks the caBundle (a re-created configuration gets it within a minute); and
 * renews the serving certificate when less than a third of its validity is left.
 *
 * <p>Requests run on a small bounded pool; when it is full the accepting thread handles the request itself, which
 * slows accepting down instead of dropping connections.
 */
public final class WebhookServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);

  public static final String PATH = "/mutate-pods";
  public static final int DEFAULT_PORT = 9443;
  static final Duration MAINTENANCE_INTERVAL = Duration.ofMinutes(1);
  /** Larger than any pod the API server would accept (its request limit is 3 MiB). */
  static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
  private static final int THREADS = 4;
  private static final int QUEUE = 64;

  private final KubernetesClient client;
  private final String namespace;
  private final List<String> names;
  private final Clock clock;
  private final Duration servingValidity;
  private final PodInjector injector;
  private final RotatingKeyManager keyManager = new RotatingKeyManager();
  private final HttpsServer server;
  private final ThreadPoolExecutor executor;
  private final ScheduledExecutorService maintenance;
  private volatile Serving serving;
  private volatile BundleSync lastBundleSync;
  private final AtomicBoolean closed = new AtomicBoolean();

  private WebhookServer(KubernetesClient client, String namespace, List<String> names, Clock clock,
      Duration servingValidity, PodInjector injector, Authority authority, int port) throws IOException {
    this.client = client;
    this.namespace = namespace;
    this.names = names;
    this.clock = clock;
    this.servingValidity = servingValidity;
    this.injector = injector;
    install(WebhookCertificates.issueServing(authority, names, clock, servingValidity));

    SSLContext tls;
    try {
      tls = SSLContext.getInstance("TLS");
      tls.init(new javax.net.ssl.KeyManager[] {keyManager}, null, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not set up TLS for the webhook: " + e, e);
    }
    this.executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUE), threads("accord-webhook-"), new ThreadPoolExecutor.CallerRunsPolicy());
    executor.allowCoreThreadTimeOut(true);
    this.server = HttpsServer.create(new InetSocketAddress(port), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    this.maintenance = Executors.newSingleThreadScheduledExecutor(threads("accord-webhook-maintenance-"));
  }

  /**
   * Starts the webhook with the production settings: the CA from (or into) the Secret in {@code operatorNamespace},
   * a serving certificate for the Service names there plus {@code extraSans} (DNS names or IP addresses, such as
   * "localhost" and "127.0.0.1" for tests), the caBundle synced, HTTPS on {@code port} (0: any free port) at
   * {@value #PATH}, clusters read with {@code client}.
   *
   * @throws IOException when the port cannot be bound
   * @throws IllegalStateException when the CA Secret exists but is unusable (it is never overwritten)
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when the CA Secret cannot be read or created
   */
  public static WebhookServer start(KubernetesClient client, String operatorNamespace, int port,
      List<String> extraSans) throws IOException {
    return start(client, operatorNamespace, port, extraSans, Clock.systemUTC(), MAINTENANCE_INTERVAL,
        WebhookCertificates.SERVING_VALIDITY, new PodInjector(PodInjector.lookupWith(client)));
  }

  /** {@link #start(KubernetesClient, String, int, List)} with what tests vary. */
  static WebhookServer start(KubernetesClient client, String operatorNamespace, int port, List<String> extraSans,
      Clock clock, Duration maintenanceInterval, Duration servingValidity, PodInjector injector)
      throws IOException {
    Objects.requireNonNull(operatorNamespace, "operatorNamespace");
    LinkedHashSet<String> names = new LinkedHashSet<>(WebhookCertificates.serviceNames(operatorNamespace));
    names.addAll(extraSans);
    Authority authority = WebhookCertificates.loadOrCreateAuthority(client, operatorNamespace, clock);
    WebhookServer webhook = new WebhookServer(client, operatorNamespace, List.copyOf(names), clock,
        servingValidity, injector, authority, port);
    webhook.syncBundle();
    webhook.server.start();
    X509Certificate certificate = webhook.serving.certificate();
    log.info("Accord webhook serving HTTPS on port {} at {}: certificate for {} valid until {}, signed by the CA "
            + "in Secret {}/{} (valid until {}); caBundle of MutatingWebhookConfiguration {}: {}",
        webhook.port(), PATH, webhook.names, certificate.getNotAfter().toInstant(), operatorNamespace,
        WebhookCertificates.CA_SECRET, authority.certificate().getNotAfter().toInstant(),
        WebhookCertificates.WEBHOOK_CONFIGURATION, describe(webhook.lastBundleSync));
    long every = maintenanceInterval.toMillis();
    webhook.maintenance.scheduleWithFixedDelay(webhook::maintainQuietly, every, every, TimeUnit.MILLISECONDS);
    return webhook;
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The PEM certificate of the CA that signs the serving certificate (what the caBundle holds, before base64). */
  public String caCertificatePem() {
    return serving.issuer().certificatePem();
  }

  /** The certificate it serves with now. */
  public X509Certificate servingCertificate() {
    return serving.certificate();
  }

  /**
   * One round of upkeep, as run every minute: follow the CA Secret, keep the caBundle, renew the serving
   * certificate when due. Failures are thrown here (and logged by the scheduled runs).
   */
  void maintain() {
    Authority current = serving.issuer();
    Authority stored;
    try {
      stored = WebhookCertificates.readAuthority(client, namespace).orElse(null);
    } catch (IllegalStateException e) {
      log.error("{}; serving on with the CA in use", e.getMessage());
      stored = current;
    }
    if (stored == null) {
      log.warn("Secret {}/{} is gone: putting back the CA in use", namespace, WebhookCertificates.CA_SECRET);
      stored = WebhookCertificates.createAuthoritySecret(client, namespace, current);
    }
    if (!stored.sameAs(current)) {
      log.info("The CA in Secret {}/{} changed: serving with a certificate signed by the new one", namespace,
          WebhookCertificates.CA_SECRET);
      install(WebhookCertificates.issueServing(stored, names, clock, servingValidity));
    } else if (renewalDue()) {
      install(WebhookCertificates.issueServing(current, names, clock, servingValidity));
      log.info("Renewed the webhook's serving certificate, valid until {}",
          serving.certificate().getNotAfter().toInstant());
    }
    syncBundle();
  }

  private void maintainQuietly() {
    try {
      maintain();
    } catch (RuntimeException e) {
      log.warn("Webhook upkeep failed (retried in a minute): {}", e.getMessage());
    }
  }

  private boolean renewalDue() {
    X509Certificate certificate = serving.certificate();
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    Duration left = Duration.between(clock.instant(), notAfter);
    return left.compareTo(Duration.between(notBefore, notAfter).dividedBy(3)) < 0;
  }

  private void syncBundle() {
    BundleSync result;
    try {
      result = WebhookCertificates.syncCaBundle(client, serving.issuer());
    } catch (RuntimeException e) {
      log.warn("Could not set the caBundle of MutatingWebhookConfiguration {} (the API server calls the webhook "
          + "only once it is set; retried in a minute): {}", WebhookCertificates.WEBHOOK_CONFIGURATION,
          e.getMessage());
      return;
    }
    if (result == BundleSync.PATCHED && lastBundleSync != null) {
      log.info("caBundle of MutatingWebhookConfiguration {}: {}", WebhookCertificates.WEBHOOK_CONFIGURATION,
          describe(result));
    } else if (result == BundleSync.NO_CONFIGURATION && lastBundleSync != BundleSync.NO_CONFIGURATION
        && lastBundleSync != null) {
      log.info("caBundle of MutatingWebhookConfiguration {}: {}", WebhookCertificates.WEBHOOK_CONFIGURATION,
          describe(result));
    }
    lastBundleSync = result;
  }

  private static String describe(BundleSync result) {
    if (result == null) {
      return "not set (see the warning above)";
    }
    return switch (result) {
      case NO_CONFIGURATION -> "the configuration does not exist (yet): it is set once it does";
      case UP_TO_DATE -> "up to date";
      case PATCHED -> "set to the CA";
    };
  }

  private void install(Serving next) {
    keyManager.install(next);
    serving = next;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // HTTP

  private void handle(HttpExchange exchange) {
    try {
      if (!PATH.equals(exchange.getRequestURI().getPath())) {
        send(exchange, 404, "text/plain", "not found: the webhook is at POST " + PATH + "\n");
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        send(exchange, 405, "text/plain", "method not allowed: POST an AdmissionReview to " + PATH + "\n");
        return;
      }
      byte[] body = readAtMost(exchange.getRequestBody(), MAX_BODY_BYTES);
      if (body == null) {
        send(exchange, 413, "text/plain", "the body is larger than " + MAX_BODY_BYTES + " bytes\n");
        return;
      }
      AdmissionReview review;
      try {
        review = WebhookCertificates.SERIALIZATION.unmarshal(new String(body, StandardCharsets.UTF_8),
            AdmissionReview.class);
      } catch (RuntimeException e) {
        send(exchange, 400, "text/plain", "the body is not an AdmissionReview (admission.k8s.io/v1): "
            + firstLine(e) + "\n");
        return;
      }
      String problem = problem(review);
      if (problem != null) {
        send(exchange, 400, "text/plain", "the body is not an AdmissionReview (admission.k8s.io/v1): " + problem
            + "\n");
        return;
      }
      AdmissionReview answer;
      try {
        answer = injector.review(review);
      } catch (RuntimeException e) {
        // Never deny, never block a rollout: the pod goes through unchanged, and the reason is logged and shown.
        log.error("The webhook failed on request {}; the pod is let through unchanged", review.getRequest()
            .getUid(), e);
        answer = PodInjector.allowed(review.getRequest().getUid(), null,
            List.of("accord.dev/cluster: the Accord webhook failed (" + firstLine(e) + ")"
                + PodInjector.WITHOUT_SETTINGS));
      }
      send(exchange, 200, "application/json", WebhookCertificates.SERIALIZATION.asJson(answer));
    } catch (IOException e) {
      log.debug("Webhook exchange failed: {}", e.toString());
    } finally {
      exchange.close();
    }
  }

  private static String problem(AdmissionReview review) {
    if (review == null) {
      return "empty";
    }
    if (review.getKind() != null && !PodInjector.KIND.equals(review.getKind())) {
      return "kind is " + review.getKind();
    }
    if (review.getApiVersion() != null && !PodInjector.API_VERSION.equals(review.getApiVersion())) {
      return "apiVersion is " + review.getApiVersion();
    }
    if (review.getRequest() == null) {
      return "no request";
    }
    if (review.getRequest().getUid() == null || review.getRequest().getUid().isBlank()) {
      return "no request.uid";
    }
    return null;
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The whole stream, or null when it is longer than {@code limit}. */
  private static byte[] readAtMost(InputStream in, int limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[16 * 1024];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      if (out.size() + n > limit) {
        return null;
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  private static String firstLine(Throwable error) {
    String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return message.lines().findFirst().orElse(message);
  }

  /**
   * Stops serving (requests in flight are cut: the API server then lets their pods through unchanged). Leaves the
   * CA Secret and the caBundle as they are, for the next start. Safe to call more than once.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    maintenance.shutdownNow();
    server.stop(0);
    executor.shutdownNow();
    log.info("Accord webhook stopped");
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Serves the current certificate; a renewed one takes over for new handshakes. Each certificate has its own alias,
   * and the previous one stays known, so a handshake that began before a switch still finds its chain and key.
   */
  static final class RotatingKeyManager extends X509ExtendedKeyManager {
    private final AtomicInteger generation = new AtomicInteger();
    private final Map<String, X509ExtendedKeyManager> byAlias = new ConcurrentHashMap<>();
    private volatile String currentAlias;

    void install(Serving serving) {
      String alias = "serving-" + generation.incrementAndGet();
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = new char[0];
        store.setKeyEntry(alias, serving.privateKey(), password,
            new X509Certificate[] {serving.certificate(), serving.issuer().certificate()});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        byAlias.put(alias, (X509ExtendedKeyManager) factory.getKeyManagers()[0]);
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("could not load the webhook's serving certificate: " + e, e);
      }
      String previous = currentAlias;
      currentAlias = alias;
      List<String> stale = new ArrayList<>(byAlias.keySet());
      stale.remove(alias);
      stale.remove(previous);
      stale.forEach(byAlias::remove);
    }

    private X509ExtendedKeyManager current() {
      return byAlias.get(currentAlias);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return current().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return current().chooseServerAlias(keyType, issuers, null);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return current().getServerAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      X509ExtendedKeyManager manager = byAlias.get(alias);
      return manager == null ? null : manager.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      X509ExtendedKeyManager manager = byAlias.get(alias);
      return manager == null ? null : manager.getPrivateKey(alias);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
