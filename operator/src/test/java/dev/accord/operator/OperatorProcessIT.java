package dev.accord.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.AccordClusterSpec;
import dev.accord.crd.v1alpha1.ManagedPostgres;
import dev.accord.crd.v1alpha1.PostgresSpec;
import dev.accord.operator.metrics.Scrape;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar accord-operator.jar} as a separate process, pointed at the mock API server: it
 * elects itself leader through a Lease, serves /readyz, reconciles, and stops cleanly on SIGTERM.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class OperatorProcessIT {
  private KubernetesClient client;
  private KubernetesMockServer server;
  private Process process;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();

  @AfterEach
  void kill() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  void helpVersionAndAMissingClusterEachAnswerPlainly() throws Exception {
    assertThat(runJar("--help")).startsWith("0:").contains("ACCORD_OPERATOR_NAMESPACES");
    assertThat(runJar("--version"))
        .isEqualTo("0:Accord operator " + ProjectVersion.of(AccordOperatorMain.class) + "\n");
    assertThat(runJar("--frobnicate")).startsWith("2:").contains("--help lists them");
    String noCluster = runJar("-Dkubernetes.master=https://127.0.0.1:1");
    assertThat(noCluster)
        .startsWith("1:")
        .contains("Cannot reach the Kubernetes API server")
        .contains("KUBECONFIG")
        .doesNotContain("\tat ");
  }

  /** Runs the jar to its end: its exit code, a colon, and what it printed. */
  private static String runJar(String argument) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        argument.startsWith("-D")
            ? List.of(
                java,
                argument,
                "-Dkubernetes.auth.tryKubeConfig=false",
                "-Dkubernetes.auth.tryServiceAccount=false",
                "-jar",
                System.getProperty("accord.operator.jar"))
            : List.of(java, "-jar", System.getProperty("accord.operator.jar"), argument);
    Process run = new ProcessBuilder(command).redirectErrorStream(true).start();
    String printed = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(run.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
    return run.exitValue() + ":" + printed;
  }

  @Test
  void theJarElectsItselfReconcilesAndStopsOnSigterm() throws Exception {
    // JOSDK asks the API server, before electing, whether it may use Leases; the mock does not
    // answer that
    // review, so answer it here as an API server would for the operator's RBAC.
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewSpec()
                .withNamespace("accord-system")
                .endSpec()
                .withNewStatus()
                .withIncomplete(false)
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("get", "list", "watch", "create", "update", "patch")
                .endResourceRule()
                .endStatus()
                .build())
        .always();
    int healthPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      healthPort = socket.getLocalPort();
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-Dkubernetes.master=" + client.getMasterUrl(),
                "-Dkubernetes.auth.tryKubeConfig=false",
                "-Dkubernetes.auth.tryServiceAccount=false",
                "-Dkubernetes.trust.certificates=true",
                "-jar",
                Path.of(System.getProperty("accord.operator.jar")).toString())
            .redirectErrorStream(true);
    builder.environment().put("POD_NAMESPACE", "accord-system");
    builder.environment().put("POD_NAME", "operator-1");
    builder.environment().put("ACCORD_OPERATOR_HEALTH_PORT", Integer.toString(healthPort));
    builder.environment().put("ACCORD_SERVER_IMAGE", "accord/accord-server:it");
    builder.environment().put("ACCORD_WEBHOOK_PORT", "0");
    process = builder.start();
    Thread reader =
        new Thread(
            () -> {
              try {
                process.getInputStream().transferTo(output);
              } catch (IOException e) {
                // the process ended
              }
            });
    reader.start();

    HttpClient http = HttpClient.newHttpClient();
    URI readyz = URI.create("http://127.0.0.1:" + healthPort + "/readyz");
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () ->
                  http.send(
                              HttpRequest.newBuilder(readyz).build(),
                              HttpResponse.BodyHandlers.ofString())
                          .statusCode()
                      == 200);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("the operator never became ready; its output:\n" + output, e);
    }

    AccordCluster cluster = new AccordCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName("demo").withNamespace("jobs").build());
    AccordClusterSpec spec = new AccordClusterSpec();
    spec.setPostgres(new PostgresSpec());
    spec.getPostgres().setManaged(new ManagedPostgres());
    cluster.setSpec(spec);
    client.resource(cluster).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                client.apps().deployments().inNamespace("jobs").withName("demo-server").get()
                    != null);
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace("jobs")
                .withName("demo-server")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("accord/accord-server:it");
    // The health port also serves /metrics: JOSDK's reconciles of the cluster, and both
    // certificates the operator keeps (the cluster's servers' and its own webhook's).
    String metrics = "http://127.0.0.1:" + healthPort + "/metrics";
    Scrape scrape =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> Scrape.of(metrics),
                s ->
                    s.sum("operator_sdk_reconciliations_success_total", Map.of("name", "demo")) > 0
                        && !s.find("accord_certificate_expiry_seconds", Map.of("cluster", "demo"))
                            .isEmpty());
    assertThat(
            scrape.value(
                "accord_certificate_expiry_seconds",
                Map.of("cluster", "webhook", "namespace", "accord-system")))
        .as("the webhook's serving certificate, valid for a year")
        .isGreaterThan(Duration.ofDays(364).toSeconds());
    assertThat(scrape.find("accord_webhook_admissions_total", Map.of())).hasSize(3);

    Lease lease = client.leases().inNamespace("accord-system").withName("accord-operator").get();
    assertThat(lease).isNotNull();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("operator-1");

    process
        .toHandle()
        .destroy(); // SIGTERM, leaving our end of the output pipe open to read the last lines
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    reader.join(10_000);
    String log = output.toString(StandardCharsets.UTF_8);
    assertThat(log)
        .contains("Starting the Accord operator")
        .contains("Accord webhook serving HTTPS")
        .contains("Accord operator stopped");
    assertThat(
            client
                .secrets()
                .inNamespace("accord-system")
                .withName("accord-operator-webhook-ca")
                .get())
        .as("the webhook's CA, kept for restarts and other replicas")
        .isNotNull();
    assertThat(List.of(0, 143)).contains(process.exitValue());
  }
}
