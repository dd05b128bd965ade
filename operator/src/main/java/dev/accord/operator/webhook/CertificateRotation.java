package dev.accord.operator.webhook;

import dev.accord.certs.CertificateAuthority;
import dev.accord.certs.Expiry;
import dev.accord.certs.IssuedCertificate;
import dev.accord.operator.webhook.CaBundleSync.Result;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the webhook's certificates current. At start it takes the CA from {@link WebhookCaSecret}
 * (creating it when absent) and issues a serving certificate. Then, at each upkeep ({@link
 * #maintain()}, every minute once {@link #scheduleUpkeep} ran): it adopts the CA in the Secret if
 * someone replaced it (and puts the Secret back with the CA in use if someone deleted it), so that
 * every replica converges on the same CA instead of fighting over the caBundle; renews the serving
 * certificate when {@link Expiry#renewalDue} says so; and re-checks the caBundle with {@link
 * CaBundleSync} (a re-created configuration gets it within a minute).
 */
final class CertificateRotation implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CertificateRotation.class);

  private final KubernetesClient client;
  private final WebhookCaSecret caSecret;
  private final String namespace;
  private final List<String> names;
  private final Clock clock;
  private final Duration servingValidity;
  private final Consumer<IssuedCertificate> install;
  private final ScheduledExecutorService upkeep;
  private volatile CertificateAuthority authority;
  private volatile IssuedCertificate serving;
  private volatile Result lastBundleSync;

  private CertificateRotation(
      KubernetesClient client,
      String namespace,
      List<String> names,
      Clock clock,
      Duration servingValidity,
      Consumer<IssuedCertificate> install) {
    this.client = client;
    this.caSecret = new WebhookCaSecret(client, namespace);
    this.namespace = namespace;
    this.names = List.copyOf(names);
    this.clock = clock;
    this.servingValidity = servingValidity;
    this.install = install;
    this.upkeep =
        Executors.newSingleThreadScheduledExecutor(
            new DaemonThreadFactory("accord-webhook-maintenance-"));
  }

  /**
   * The CA from (or into) the Secret in {@code namespace}, and a serving certificate for {@code
   * names} signed by it, handed to {@code install}; the caBundle is not touched yet ({@link
   * #syncBundle()}).
   *
   * @throws IllegalStateException when the CA Secret exists but is unusable (it is never
   *     overwritten)
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when the CA Secret cannot be
   *     read or created
   */
  static CertificateRotation start(
      KubernetesClient client,
      String namespace,
      List<String> names,
      Clock clock,
      Duration servingValidity,
      Consumer<IssuedCertificate> install) {
    CertificateRotation rotation =
        new CertificateRotation(client, namespace, names, clock, servingValidity, install);
    CertificateAuthority authority = rotation.caSecret.loadOrCreate(clock);
    rotation.issueWith(authority);
    return rotation;
  }

  /** The certificate served now. */
  IssuedCertificate serving() {
    return serving;
  }

  /** The names the serving certificate is for. */
  List<String> names() {
    return names;
  }

  /** Runs {@link #maintain()} every {@code interval}, logging (not throwing) its failures. */
  void scheduleUpkeep(Duration interval) {
    long every = interval.toMillis();
    upkeep.scheduleWithFixedDelay(this::maintainQuietly, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * One round of upkeep: follow the CA Secret, renew the serving certificate when due, keep the
   * caBundle. Failures are thrown here (and logged by the scheduled runs).
   */
  void maintain() {
    CertificateAuthority current = authority;
    CertificateAuthority stored;
    try {
      stored = caSecret.read().orElse(null);
    } catch (IllegalStateException e) {
      log.error("{}; serving on with the CA in use", e.getMessage());
      stored = current;
    }
    if (stored == null) {
      log.warn("Secret {}/{} is gone: putting back the CA in use", namespace, WebhookCaSecret.NAME);
      stored = caSecret.create(current);
    }
    if (!stored.sameAs(current)) {
      log.info(
          "The CA in Secret {}/{} changed: serving with a certificate signed by the new one",
          namespace,
          WebhookCaSecret.NAME);
      issueWith(stored);
    } else if (Expiry.renewalDue(serving.certificate(), clock.instant())) {
      issueWith(current);
      log.info(
          "Renewed the webhook's serving certificate, valid until {}",
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

  private void issueWith(CertificateAuthority issuer) {
    IssuedCertificate next =
        WebhookCertificates.issueServing(issuer, names, clock, servingValidity);
    install.accept(next);
    serving = next;
    authority = issuer;
  }

  /** Makes the caBundle the CA in use; a failure is logged, and retried at the next upkeep. */
  void syncBundle() {
    Result result;
    try {
      result = CaBundleSync.sync(client, authority.certificate());
    } catch (RuntimeException e) {
      log.warn(
          "Could not set the caBundle of MutatingWebhookConfiguration {} (the API server calls the webhook "
              + "only once it is set; retried in a minute): {}",
          CaBundleSync.CONFIGURATION,
          e.getMessage());
      return;
    }
    if (result == Result.PATCHED && lastBundleSync != null) {
      log.info(
          "caBundle of MutatingWebhookConfiguration {}: {}",
          CaBundleSync.CONFIGURATION,
          describe(result));
    } else if (result == Result.NO_CONFIGURATION
        && lastBundleSync != Result.NO_CONFIGURATION
        && lastBundleSync != null) {
      log.info(
          "caBundle of MutatingWebhookConfiguration {}: {}",
          CaBundleSync.CONFIGURATION,
          describe(result));
    }
    lastBundleSync = result;
  }

  /** What the last {@link #syncBundle()} found, in words for the log. */
  String bundleState() {
    return describe(lastBundleSync);
  }

  private static String describe(Result result) {
    if (result == null) {
      return "not set (see the warning above)";
    }
    return switch (result) {
      case NO_CONFIGURATION -> "the configuration does not exist (yet): it is set once it does";
      case UP_TO_DATE -> "up to date";
      case PATCHED -> "set to the CA";
    };
  }

  /** Stops the upkeep. */
  @Override
  public void close() {
    upkeep.shutdownNow();
  }
}
