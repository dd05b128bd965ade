package dev.accord.operator;

import static dev.accord.operator.ConditionReasons.AS_EXPECTED;
import static dev.accord.operator.ConditionReasons.CNPG_CLUSTER_NOT_READY;
import static dev.accord.operator.ConditionReasons.CNPG_CLUSTER_READY;
import static dev.accord.operator.ConditionReasons.CONFIGURED;
import static dev.accord.operator.ConditionReasons.CREATING;
import static dev.accord.operator.ConditionReasons.INVALID_BACKEND;
import static dev.accord.operator.ConditionReasons.POSTGRES_READY;
import static dev.accord.operator.ConditionReasons.POSTGRES_STARTING;
import static dev.accord.operator.ConditionReasons.READY;
import static dev.accord.operator.ConditionReasons.ROLLING_OUT;
import static dev.accord.operator.ConditionReasons.ROLLOUT_STUCK;
import static dev.accord.operator.ConditionReasons.SCALED_TO_ZERO;
import static dev.accord.operator.ConditionReasons.STABLE;
import static dev.accord.operator.ConditionReasons.STARTING;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.AccordClusterStatus;
import dev.accord.crd.v1alpha1.ConditionTypes;
import dev.accord.operator.security.ClusterSecurity;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Computes an AccordCluster's status from what its owned objects report, following the API
 * conventions: the state is in conditions (Ready, BackendReady, Progressing, Degraded), each with a
 * reason a person can act on, and a condition's lastTransitionTime moves only when its status
 * flips.
 */
final class ClusterStatus {
  /**
   * The Deployment controller's own condition type (apps/v1), not the AccordCluster's Progressing.
   */
  private static final String DEPLOYMENT_PROGRESSING = "Progressing";

  private ClusterStatus() {}

  static AccordClusterStatus compute(
      ClusterModel model,
      ClusterSecurity security,
      Optional<Deployment> deployment,
      Optional<StatefulSet> postgres,
      Instant now) {
    AccordCluster cluster = model.cluster();
    AccordClusterStatus previous = cluster.getStatus();
    List<Condition> before =
        previous != null && previous.getConditions() != null ? previous.getConditions() : List.of();
    long generation = Optional.ofNullable(cluster.getMetadata().getGeneration()).orElse(0L);

    DeploymentStatus rollout = deployment.map(Deployment::getStatus).orElse(null);
    int replicas = rollout != null && rollout.getReplicas() != null ? rollout.getReplicas() : 0;
    int ready =
        rollout != null && rollout.getReadyReplicas() != null ? rollout.getReadyReplicas() : 0;
    int updated =
        rollout != null && rollout.getUpdatedReplicas() != null ? rollout.getUpdatedReplicas() : 0;
    long deploymentGeneration = deployment.map(d -> d.getMetadata().getGeneration()).orElse(0L);
    long deploymentObserved =
        rollout != null && rollout.getObservedGeneration() != null
            ? rollout.getObservedGeneration()
            : 0L;
    String deploymentName = AccordResources.serverDeployment(cluster);

    // BackendReady: usable settings, and for a managed or CloudNativePG database, PostgreSQL ready.
    Verdict backend;
    if (model.backendProblem() != null) {
      backend = Verdict.no(model.backendProblem().reason(), model.backendProblem().message());
    } else if (model.backend() == ClusterModel.Backend.MANAGED) {
      int postgresReady =
          postgres.map(StatefulSet::getStatus).map(s -> s.getReadyReplicas()).orElse(0);
      backend =
          postgresReady > 0
              ? Verdict.yes(
                  POSTGRES_READY,
                  "the managed PostgreSQL " + AccordResources.postgres(cluster) + " is ready")
              : Verdict.no(
                  POSTGRES_STARTING,
                  "waiting for the managed PostgreSQL StatefulSet "
                      + AccordResources.postgres(cluster)
                      + " to become ready");
    } else if (model.backend() == ClusterModel.Backend.CLOUD_NATIVE_PG) {
      CloudNativePgCluster pg = model.cloudNativePg();
      backend =
          pg.ready()
              ? Verdict.yes(
                  CNPG_CLUSTER_READY,
                  "CloudNativePG Cluster " + pg.name() + " is ready (" + pg.describe() + ")")
              : Verdict.no(
                  CNPG_CLUSTER_NOT_READY,
                  "waiting for CloudNativePG Cluster "
                      + pg.name()
                      + " to become ready ("
                      + pg.describe()
                      + ")");
    } else {
      backend =
          Verdict.yes(
              CONFIGURED,
              "database settings from Secret "
                  + cluster.getSpec().getPostgres().getExternal().getSecretName());
    }

    // Progressing: the Deployment is being created or rolled.
    Verdict progressing;
    if (deployment.isEmpty()) {
      progressing =
          model.backend() == ClusterModel.Backend.INVALID
              ? Verdict.no(INVALID_BACKEND, "nothing to roll out until the database is set")
              : Verdict.yes(CREATING, "creating Deployment " + deploymentName);
    } else if (deploymentObserved < deploymentGeneration
        || updated < model.replicas()
        || replicas > model.replicas()) {
      progressing =
          Verdict.yes(
              ROLLING_OUT,
              updated
                  + " of "
                  + model.replicas()
                  + " server replicas run the current configuration");
    } else {
      progressing = Verdict.no(STABLE, "every server replica runs the current configuration");
    }

    // Degraded: something needs a person.
    Optional<DeploymentCondition> stuck =
        Optional.ofNullable(rollout).map(DeploymentStatus::getConditions).orElse(List.of()).stream()
            .filter(
                c -> DEPLOYMENT_PROGRESSING.equals(c.getType()) && "False".equals(c.getStatus()))
            .findFirst();
    Verdict degraded;
    if (model.backendProblem() != null) {
      degraded = Verdict.yes(model.backendProblem().reason(), model.backendProblem().message());
    } else if (stuck.isPresent()) {
      degraded =
          Verdict.yes(
              ROLLOUT_STUCK,
              "Deployment "
                  + deploymentName
                  + " cannot roll out ("
                  + stuck.get().getReason()
                  + ": "
                  + stuck.get().getMessage()
                  + "); see kubectl describe deployment "
                  + deploymentName
                  + " and its pods' events");
    } else if (security.tlsProblem() != null
        && !ConditionReasons.CERTIFICATE_PENDING.equals(security.tlsProblem().reason())) {
      degraded = Verdict.yes(security.tlsProblem().reason(), security.tlsProblem().message());
    } else if (security.accessProblem() != null) {
      degraded =
          Verdict.yes(
              security.accessProblem().reason(),
              security.accessProblem().message() + "; the servers keep the last good rules");
    } else {
      degraded = Verdict.no(AS_EXPECTED, "no problem found");
    }

    // Ready: every requested server is ready on a usable database.
    Verdict readiness;
    if (model.backendProblem() != null) {
      readiness = Verdict.no(model.backendProblem().reason(), model.backendProblem().message());
    } else if (model.replicas() == 0) {
      readiness = Verdict.no(SCALED_TO_ZERO, "spec.replicas is 0");
    } else if (degraded.status()) {
      readiness = Verdict.no(degraded.reason(), degraded.message());
    } else if (ready >= model.replicas() && !progressing.status()) {
      readiness =
          Verdict.yes(
              READY,
              ready
                  + " of "
                  + model.replicas()
                  + " server replicas ready at "
                  + AccordResources.endpoint(cluster, model.port()));
    } else if (!backend.status()) {
      readiness = Verdict.no(backend.reason(), backend.message());
    } else {
      readiness =
          Verdict.no(STARTING, ready + " of " + model.replicas() + " server replicas ready");
    }

    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(before, ConditionTypes.READY, readiness, generation, now));
    conditions.add(condition(before, ConditionTypes.BACKEND_READY, backend, generation, now));
    conditions.add(condition(before, ConditionTypes.PROGRESSING, progressing, generation, now));
    conditions.add(condition(before, ConditionTypes.DEGRADED, degraded, generation, now));
    conditions.add(
        condition(
            before, ConditionTypes.TLS_READY, TlsVerdict.of(cluster, security), generation, now));

    AccordClusterStatus status = new AccordClusterStatus();
    status.setObservedGeneration(generation);
    status.setReplicas(replicas);
    status.setReadyReplicas(ready);
    status.setSelector(AccordResources.selectorString(cluster));
    status.setEndpoint(AccordResources.endpoint(cluster, model.port()));
    status.setBackend(
        model.backend() == ClusterModel.Backend.INVALID ? null : model.backend().statusName());
    status.setTls(TlsVerdict.status(security));
    status.setConditions(conditions);
    return status;
  }

  /** A condition; its lastTransitionTime is kept unless its status flips. */
  static Condition condition(
      List<Condition> before, String type, Verdict verdict, long generation, Instant now) {
    String status = verdict.status() ? "True" : "False";
    String since =
        before.stream()
            .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(verdict.reason())
        .withMessage(verdict.message())
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }

  /** A condition's status, reason and message. */
  record Verdict(boolean status, String reason, String message) {
    static Verdict yes(String reason, String message) {
      return new Verdict(true, reason, message);
    }

    static Verdict no(String reason, String message) {
      return new Verdict(false, reason, message);
    }
  }
}
