package dev.accord.operator.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.accord.certs.IssuedCertificate;
import dev.accord.operator.metrics.WebhookAdmissions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mutating admission webhook over HTTPS: {@code POST /mutate-pods} with an AdmissionReview
 * (v1), answered by {@link AdmissionReviewHandler}, with the certificate {@link
 * CertificateRotation} keeps current.
 *
 * <p>Requests run on a small bounded pool; when it is full the accepting thread handles the request
 * itself, which slows accepting down instead of dropping connections.
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

  private final CertificateRotation certificates;
  private final AdmissionReviewHandler reviews;
  private final HttpsServer server;
  private final ThreadPoolExecutor executor;
  private final AtomicBoolean closed = new AtomicBoolean();

  private WebhookServer(
      CertificateRotation certificates,
      KeyManager keyManager,
      AdmissionReviewHandler reviews,
      int port)
      throws IOException {
    this.certificates = certificates;
    this.reviews = reviews;
    SSLContext tls;
    try {
      tls = SSLContext.getInstance("TLS");
      tls.init(new KeyManager[] {keyManager}, null, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not set up TLS for the webhook: " + e, e);
    }
    this.executor =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            new DaemonThreadFactory("accord-webhook-"),
            new ThreadPoolExecutor.CallerRunsPolicy());
    executor.allowCoreThreadTimeOut(true);
    this.server = HttpsServer.create(new InetSocketAddress(port), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /**
   * Starts the webhook with the production settings: the CA from (or into) the Secret in {@code
   * operatorNamespace}, a serving certificate for the Service names there plus {@code extraSans}
   * (DNS names or IP addresses, such as "localhost" and "127.0.0.1" for tests), the caBundle
   * synced, HTTPS on {@code port} (0: any free port) at {@value #PATH}, clusters read with {@code
   * client}. Admissions are counted in a registry nothing scrapes; the operator passes its own (the
   * overload with {@link WebhookAdmissions}).
   *
   * @throws IOException when the port cannot be bound
   * @throws IllegalStateException when the CA Secret exists but is unusable (it is never
   *     overwritten)
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when the CA Secret cannot be
   *     read or created
   */
  public static WebhookServer start(
      KubernetesClient client, String operatorNamespace, int port, List<String> extraSans)
      throws IOException {
    return start(
        client,
        operatorNamespace,
        port,
        extraSans,
        new WebhookAdmissions(new SimpleMeterRegistry()));
  }

  /**
   * {@link #start(KubernetesClient, String, int, List)}, counting each admission in {@code
   * admissions}.
   */
  public static WebhookServer start(
      KubernetesClient client,
      String operatorNamespace,
      int port,
      List<String> extraSans,
      WebhookAdmissions admissions)
      throws IOException {
    return start(
        client,
        operatorNamespace,
        port,
        extraSans,
        Clock.systemUTC(),
        MAINTENANCE_INTERVAL,
        WebhookCertificates.SERVING_VALIDITY,
        new PodInjector(PodInjector.lookupWith(client), new CaBundleCopies(client)),
        admissions);
  }

  /** {@link #start(KubernetesClient, String, int, List)} with what tests vary. */
  static WebhookServer start(
      KubernetesClient client,
      String operatorNamespace,
      int port,
      List<String> extraSans,
      Clock clock,
      Duration maintenanceInterval,
      Duration servingValidity,
      PodInjector injector,
      WebhookAdmissions admissions)
      throws IOException {
    Objects.requireNonNull(operatorNamespace, "operatorNamespace");
    LinkedHashSet<String> names =
        new LinkedHashSet<>(WebhookCertificates.serviceNames(operatorNamespace));
    names.addAll(extraSans);
    RotatingKeyManager keyManager = new RotatingKeyManager();
    CertificateRotation certificates =
        CertificateRotation.start(
            client,
            operatorNamespace,
            List.copyOf(names),
            clock,
            servingValidity,
            keyManager::install);
    WebhookServer webhook;
    try {
      webhook =
          new WebhookServer(
              certificates, keyManager, new AdmissionReviewHandler(injector, admissions), port);
    } catch (IOException | RuntimeException e) {
      certificates.close();
      throw e;
    }
    certificates.syncBundle();
    webhook.server.start();
    IssuedCertificate serving = certificates.serving();
    log.info(
        "Accord webhook serving HTTPS on port {} at {}: certificate for {} valid until {}, signed by the CA "
            + "in Secret {}/{} (valid until {}); caBundle of MutatingWebhookConfiguration {}: {}",
        webhook.port(),
        PATH,
        certificates.names(),
        serving.certificate().getNotAfter().toInstant(),
        operatorNamespace,
        WebhookCaSecret.NAME,
        serving.issuer().getNotAfter().toInstant(),
        CaBundleSync.CONFIGURATION,
        certificates.bundleState());
    certificates.scheduleUpkeep(maintenanceInterval);
    return webhook;
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * The PEM certificate of the CA that signs the serving certificate (what the caBundle holds,
   * before base64).
   */
  public String caCertificatePem() {
    return certificates.serving().issuerPem();
  }

  /** The certificate it serves with now. */
  public X509Certificate servingCertificate() {
    return certificates.serving().certificate();
  }

  /**
   * One round of certificate upkeep now, as {@link CertificateRotation#maintain()} runs every
   * minute.
   */
  void maintain() {
    certificates.maintain();
  }

  private void handle(HttpExchange exchange) {
    try {
      if (!PATH.equals(exchange.getRequestURI().getPath())) {
        send(exchange, 404, "text/plain", "not found: the webhook is at POST " + PATH + "\n");
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        send(
            exchange,
            405,
            "text/plain",
            "method not allowed: POST an AdmissionReview to " + PATH + "\n");
        return;
      }
      byte[] body = readAtMost(exchange.getRequestBody(), MAX_BODY_BYTES);
      if (body == null) {
        send(exchange, 413, "text/plain", "the body is larger than " + MAX_BODY_BYTES + " bytes\n");
        return;
      }
      AdmissionReviewHandler.Answer answer = reviews.answer(body);
      send(exchange, answer.status(), answer.contentType(), answer.body());
    } catch (IOException e) {
      log.debug("Webhook exchange failed: {}", e.toString());
    } finally {
      exchange.close();
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
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

  /**
   * Stops serving (requests in flight are cut: the API server then lets their pods through
   * unchanged). Leaves the CA Secret and the caBundle as they are, for the next start. Safe to call
   * more than once.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    certificates.close();
    server.stop(0);
    executor.shutdownNow();
    log.info("Accord webhook stopped");
  }
}
