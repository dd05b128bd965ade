package dev.accord.operator;

import com.sun.net.httpserver.HttpServer;
import dev.accord.operator.metrics.OperatorMetrics;
import dev.accord.operator.webhook.WebhookServer;
import dev.accord.operator.webhook.WebhookSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar accord-operator.jar}: the operator, configured by its environment (see {@link
 * OperatorSettings}), with /healthz and /readyz for its probes and /metrics, stopping cleanly on
 * SIGTERM.
 */
public final class AccordOperatorMain {
  private static final Logger log = LoggerFactory.getLogger(AccordOperatorMain.class);

  private AccordOperatorMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length > 0) {
      if (List.of("--help", "-h", "help").contains(args[0])) {
        System.out.print(OperatorUsage.HELP);
        return;
      }
      if (List.of("--version", "-V").contains(args[0])) {
        System.out.println("Accord operator " + ProjectVersion.of(AccordOperatorMain.class));
        return;
      }
      System.err.println(
          "accord-operator: unknown argument \""
              + args[0]
              + "\": it takes none, its settings come from the environment (--help lists them)");
      System.exit(2);
      return;
    }
    String version = ProjectVersion.of(AccordOperatorMain.class);
    OperatorSettings settings;
    WebhookSettings webhookSettings;
    try {
      settings = OperatorSettings.fromEnvironment(System.getenv(), version);
      webhookSettings = WebhookSettings.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      log.error("{}", e.getMessage());
      System.exit(2);
      return;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    // Before the informers start: theirs is a stack trace per informer, and a retry loop.
    String unreachable = OperatorUsage.probe(client.getConfiguration());
    if (unreachable != null) {
      log.error("{}", unreachable);
      System.exit(1);
      return;
    }
    OperatorMetrics metrics = new OperatorMetrics(Clock.systemUTC());
    AccordOperator operator =
        new AccordOperator(client, settings, Clock.systemUTC(), true, metrics);
    WebhookServer webhook = null;
    if (webhookSettings.enabled()) {
      try {
        webhook =
            WebhookServer.start(
                client,
                webhookSettings.namespace(),
                webhookSettings.port(),
                List.of(),
                metrics.admissions());
        WebhookServer serving = webhook;
        metrics
            .certificates()
            .track(
                webhookSettings.namespace(),
                "webhook",
                () -> serving.servingCertificate().getNotAfter().toInstant());
      } catch (IOException | RuntimeException e) {
        // Without the webhook, annotated pods would quietly start without their Accord settings:
        // fail loudly.
        log.error("The Accord webhook could not start: {}", Failures.rootMessage(e), e);
        System.exit(1);
      }
    } else {
      log.info("Webhook off: {}", webhookSettings.why());
    }
    WebhookServer startedWebhook = webhook;
    HttpServer health =
        OperatorEndpoints.start(
            settings.healthPort(), operator::isHealthy, operator::isStarted, metrics::scrape);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Stopping the Accord operator");
                  health.stop(0);
                  if (startedWebhook != null) {
                    startedWebhook.close();
                  }
                  operator.close();
                  log.info("Accord operator stopped");
                },
                "accord-operator-shutdown"));
    log.info(
        "Starting the Accord operator {} (namespaces: {}, server image {}, leader election: {}, health and metrics on :{})",
        version,
        settings.namespaces().isEmpty() ? "all" : String.join(",", settings.namespaces()),
        settings.serverImage(),
        settings.leaseNamespace() == null
            ? "off"
            : "Lease " + settings.leaseNamespace() + "/" + OperatorSettings.LEASE_NAME,
        settings.healthPort());
    try {
      operator.start();
    } catch (RuntimeException e) {
      // Without this the HTTP and informer threads would keep a process alive that never
      // reconciles.
      if (Failures.isConnectionFailure(e)) {
        log.error(
            "{}", OperatorUsage.unreachable(client.getConfiguration(), Failures.rootMessage(e)));
        log.debug("Connection failure in full", e);
      } else {
        log.error(
            "The Accord operator could not start: {}. Check that the API server is reachable and that"
                + " the operator's ServiceAccount has the RBAC of manifests/operator",
            Failures.rootMessage(e),
            e);
      }
      System.exit(1);
    }
  }
}
