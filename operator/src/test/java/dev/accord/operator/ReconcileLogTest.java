package dev.accord.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.accord.crd.v1alpha1.ConditionTypes;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The operator's one line per reconcile: INFO when a cluster's outcome changes, else DEBUG. */
@EnableKubernetesMockClient(crud = true)
class ReconcileLogTest {
  KubernetesClient client;
  ClusterFixture fixture;
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(ReconcileLog.class);
  private Level levelBefore;

  @BeforeEach
  void start() {
    levelBefore = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    events.start();
    logger.addAppender(events);
    fixture = new ClusterFixture(client, new TestClock(Instant.parse("2026-12-01T00:00:00Z")));
  }

  @AfterEach
  void stop() {
    fixture.close();
    logger.detachAppender(events);
    logger.setLevel(levelBefore);
  }

  @Test
  void aSteadyClusterLogsEachChangeOfOutcomeOnceAtInfoAndTheRestAtDebug() {
    fixture.create("steady", spec -> {});
    await().atMost(ClusterFixture.WAIT).until(() -> !lines("jobs/steady", Level.INFO).isEmpty());
    assertThat(lines("jobs/steady", Level.INFO).get(0))
        .matches("AccordCluster jobs/steady reconciled in \\d+ ms: Progressing \\(\\w+: .+\\)");

    reportDeploymentReady("steady-server");
    fixture.awaitCondition("steady", ConditionTypes.READY, "True", ConditionReasons.READY);
    await()
        .atMost(ClusterFixture.WAIT)
        .until(() -> last(lines("jobs/steady", Level.INFO)).contains(": Ready ("));
    List<String> infoWhenReady = lines("jobs/steady", Level.INFO);

    // A change to the database Secret's labels brings a reconcile that changes nothing.
    int debugBefore = lines("jobs/steady", Level.DEBUG).size();
    client
        .secrets()
        .inNamespace(ClusterFixture.NS)
        .withName(ClusterFixture.DB_SECRET)
        .edit(
            secret ->
                new SecretBuilder(secret)
                    .editMetadata()
                    .addToLabels("touched", "yes")
                    .endMetadata()
                    .build());
    await()
        .atMost(ClusterFixture.WAIT)
        .until(() -> lines("jobs/steady", Level.DEBUG).size() > debugBefore);

    assertThat(last(lines("jobs/steady", Level.DEBUG)))
        .matches("AccordCluster jobs/steady reconciled in \\d+ ms: Ready \\(Ready: .+\\)");
    assertThat(lines("jobs/steady", Level.INFO)).isEqualTo(infoWhenReady);
    // Each INFO line says something the one before did not.
    List<String> outcomes = infoWhenReady.stream().map(ReconcileLogTest::outcome).toList();
    for (int i = 1; i < outcomes.size(); i++) {
      assertThat(outcomes.get(i)).isNotEqualTo(outcomes.get(i - 1));
    }
  }

  @Test
  void aFailingReconcileWarnsOnceWhileItsRetriesFailTheSameWay() {
    // The operator cannot write its certificate under a name the user's Secret holds.
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("other-tls")
                .withNamespace(ClusterFixture.NS)
                .endMetadata()
                .withData(
                    Map.of(
                        "url",
                        Base64.getEncoder()
                            .encodeToString("postgres://a:b@db:5432/accord".getBytes())))
                .build())
        .create();
    fixture.create("other", spec -> spec.getPostgres().getExternal().setSecretName("other-tls"));

    await()
        .atMost(ClusterFixture.WAIT)
        .until(() -> lines("jobs/other", Level.DEBUG).stream().anyMatch(l -> l.contains("failed")));

    assertThat(lines("jobs/other", Level.WARN))
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .matches(
                        "AccordCluster jobs/other reconcile failed after \\d+ ms, retrying: .*other-tls.*"));
  }

  private List<String> lines(String cluster, Level level) {
    synchronized (events.list) {
      return events.list.stream()
          .filter(e -> e.getLevel() == level)
          .map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.startsWith("AccordCluster " + cluster + " "))
          .toList();
    }
  }

  private static String last(List<String> lines) {
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  /** "Ready (Ready" from "AccordCluster … ms: Ready (Ready: …)". */
  private static String outcome(String line) {
    String after = line.substring(line.indexOf(" ms: ") + 5);
    int colon = after.indexOf(':');
    return colon < 0 ? after : after.substring(0, colon);
  }

  /** Plays the Deployment controller and kubelet: every replica up to date and ready. */
  private void reportDeploymentReady(String name) {
    await()
        .atMost(ClusterFixture.WAIT)
        .ignoreException(KubernetesClientException.class)
        .until(
            () -> {
              Deployment current = fixture.await(Deployment.class, name);
              int replicas = current.getSpec().getReplicas();
              current.setStatus(
                  new DeploymentStatusBuilder()
                      .withReplicas(replicas)
                      .withReadyReplicas(replicas)
                      .withUpdatedReplicas(replicas)
                      .withAvailableReplicas(replicas)
                      .withObservedGeneration(current.getMetadata().getGeneration())
                      .build());
              client.resource(current).updateStatus();
              return true;
            });
  }
}
