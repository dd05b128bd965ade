package dev.accord.operator;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.AccordClusterStatus;
import dev.accord.crd.v1alpha1.CloudNativePgPostgres;
import dev.accord.crd.v1alpha1.ConditionTypes;
import dev.accord.operator.ClusterStatus.Verdict;
import dev.accord.operator.dependents.AccessConfigMap;
import dev.accord.operator.dependents.CaBundleConfigMap;
import dev.accord.operator.dependents.ClientService;
import dev.accord.operator.dependents.ClusterCaSecret;
import dev.accord.operator.dependents.HeadlessService;
import dev.accord.operator.dependents.PostgresSecret;
import dev.accord.operator.dependents.PostgresService;
import dev.accord.operator.dependents.PostgresStatefulSet;
import dev.accord.operator.dependents.ServerDeployment;
import dev.accord.operator.dependents.ServerDisruptionBudget;
import dev.accord.operator.dependents.ServerNetworkPolicy;
import dev.accord.operator.dependents.ServerServiceAccount;
import dev.accord.operator.dependents.ServerTlsSecret;
import dev.accord.operator.metrics.CertificateExpiry;
import dev.accord.operator.security.CertManagerCertificate;
import dev.accord.operator.security.ClusterSecurity;
import dev.accord.operator.security.TokenReviewBinding;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ContextInitializer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Reconciles an AccordCluster into its servers (Deployment, Services, PodDisruptionBudget) and,
 * when asked, a managed PostgreSQL (StatefulSet, Service, Secret), then reports what it sees in the
 * status.
 *
 * <p>The owned objects are JOSDK dependents whose {@code desired()} only computes, from a {@link
 * ClusterModel} made once per reconcile. The external database Secret is the user's, never owned:
 * an informer on Secrets, indexed by the clusters that name them, brings its changes here, so
 * fixing or rotating it is noticed at once. The same goes for the application Secret of a
 * CloudNativePG Cluster, whose readiness another informer brings ({@link CloudNativePgClusters}).
 */
@Workflow(
    dependents = {
      @Dependent(
          name = "postgres-secret",
          type = PostgresSecret.class,
          reconcilePrecondition = WorkflowConditions.ManagedBackend.class),
      @Dependent(
          name = "postgres-service",
          type = PostgresService.class,
          reconcilePrecondition = WorkflowConditions.ManagedBackend.class),
      @Dependent(
          name = "postgres",
          type = PostgresStatefulSet.class,
          reconcilePrecondition = WorkflowConditions.ManagedBackend.class,
          dependsOn = "postgres-secret"),
      @Dependent(
          name = "server",
          type = ServerDeployment.class,
          reconcilePrecondition = WorkflowConditions.ValidBackend.class),
      @Dependent(name = "client-service", type = ClientService.class),
      @Dependent(name = "headless-service", type = HeadlessService.class),
      @Dependent(
          name = "disruption-budget",
          type = ServerDisruptionBudget.class,
          reconcilePrecondition = WorkflowConditions.SeveralReplicas.class),
      @Dependent(
          name = "ca-secret",
          type = ClusterCaSecret.class,
          reconcilePrecondition = WorkflowConditions.OperatorIssuedTls.class),
      @Dependent(
          name = "server-tls",
          type = ServerTlsSecret.class,
          reconcilePrecondition = WorkflowConditions.OperatorIssuedTls.class,
          dependsOn = "ca-secret"),
      @Dependent(
          name = "ca-bundle",
          type = CaBundleConfigMap.class,
          reconcilePrecondition = WorkflowConditions.CaKnown.class),
      @Dependent(
          name = "access",
          type = AccessConfigMap.class,
          reconcilePrecondition = WorkflowConditions.AuthOn.class),
      @Dependent(name = "server-account", type = ServerServiceAccount.class),
      @Dependent(
          name = "network-policy",
          type = ServerNetworkPolicy.class,
          reconcilePrecondition = WorkflowConditions.NetworkPolicyOn.class)
    })
// Owned objects and the Secret drive reconciles; this is only a safety net for anything missed.
@ControllerConfiguration(
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class AccordClusterReconciler
    implements Reconciler<AccordCluster>,
        ContextInitializer<AccordCluster>,
        Cleaner<AccordCluster> {
  /** The event source of the Secrets that external and CloudNativePG clusters read. */
  static final String EXTERNAL_SECRETS = "external-secrets";

  /** How soon a pending cert-manager certificate is looked at again. */
  static final java.time.Duration CERT_MANAGER_RECHECK = java.time.Duration.ofSeconds(15);

  /** How soon a cluster naming a CloudNativePG Cluster looks again for CloudNativePG's CRD. */
  static final java.time.Duration CNPG_INSTALL_RECHECK = java.time.Duration.ofSeconds(30);

  private static final String SECRET_INDEX = "accord.dev/external-secret";

  /** When this reconcile began (System.nanoTime), in the workflow's context. */
  private static final String STARTED_KEY = "accord.dev/reconcile-started";

  private final String defaultImage;
  private final Clock clock;
  private final CertificateExpiry certificates;
  private final ReconcileLog reconcileLog = new ReconcileLog();
  private final CloudNativePgClusters cloudNativePgClusters = new CloudNativePgClusters();

  public AccordClusterReconciler(String defaultImage, Clock clock, CertificateExpiry certificates) {
    this.defaultImage = defaultImage;
    this.clock = clock;
    this.certificates = certificates;
  }

  @Override
  public List<EventSource<?, AccordCluster>> prepareEventSources(
      EventSourceContext<AccordCluster> context) {
    cloudNativePgClusters.index(context);
    context
        .getPrimaryCache()
        .addIndexer(
            SECRET_INDEX,
            cluster ->
                databaseSecret(cluster)
                    .map(name -> List.of(indexKey(name, cluster.getMetadata().getNamespace())))
                    .orElse(List.of()));
    InformerEventSourceConfiguration<Secret> secrets =
        InformerEventSourceConfiguration.from(Secret.class, AccordCluster.class)
            .withName(EXTERNAL_SECRETS)
            .withSecondaryToPrimaryMapper(
                secret ->
                    context
                        .getPrimaryCache()
                        .byIndex(
                            SECRET_INDEX,
                            indexKey(
                                secret.getMetadata().getName(),
                                secret.getMetadata().getNamespace()))
                        .stream()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper(
                (AccordCluster cluster) ->
                    databaseSecret(cluster)
                        .map(
                            name ->
                                Set.of(new ResourceID(name, cluster.getMetadata().getNamespace())))
                        .orElse(Set.of()))
            .build();
    List<EventSource<?, AccordCluster>> sources = new ArrayList<>();
    sources.add(new InformerEventSource<>(secrets, context));
    return sources;
  }

  /** The Secret the servers read the database settings from, when not the operator's own. */
  private static Optional<String> databaseSecret(AccordCluster cluster) {
    Optional<String> external =
        Optional.ofNullable(cluster.getSpec())
            .map(spec -> spec.getPostgres())
            .map(postgres -> postgres.getExternal())
            .map(ref -> ref.getSecretName());
    return external.isPresent()
        ? external
        : CloudNativePgClusters.named(cluster).map(CloudNativePgPostgres::appSecretName);
  }

  private static String indexKey(String name, String namespace) {
    return namespace + "/" + name;
  }

  @Override
  public void initContext(AccordCluster cluster, Context<AccordCluster> context) {
    context.managedWorkflowAndDependentResourceContext().put(STARTED_KEY, System.nanoTime());
    Optional<String> runningHash =
        context
            .getSecondaryResource(Deployment.class)
            .map(d -> d.getSpec().getTemplate().getMetadata().getAnnotations())
            .map(annotations -> annotations.get(AccordResources.CONFIG_HASH_ANNOTATION));
    ClusterModel model =
        ClusterModel.of(
            cluster,
            defaultImage,
            context.getSecondaryResource(Secret.class, EXTERNAL_SECRETS),
            CloudNativePgClusters.named(cluster)
                .map(name -> cloudNativePgClusters.observe(cluster, name, context)),
            runningHash);
    context.managedWorkflowAndDependentResourceContext().put(ClusterModel.CONTEXT_KEY, model);
    context
        .managedWorkflowAndDependentResourceContext()
        .put(ClusterSecurity.CONTEXT_KEY, security(cluster, context));
  }

  private ClusterSecurity security(AccordCluster cluster, Context<AccordCluster> context) {
    CertManagerCertificate.State certManager =
        ClusterSecurity.tlsMode(cluster) == ClusterSecurity.TlsMode.CERT_MANAGER
            ? CertManagerCertificate.read(context.getClient(), cluster)
            : CertManagerCertificate.State.notInstalled();
    return ClusterSecurity.of(
        cluster,
        ownedSecret(cluster, context, AccordResources.certificateAuthority(cluster)),
        ownedSecret(cluster, context, AccordResources.serverTls(cluster)),
        certManager,
        clock);
  }

  /** The Secret {@code name} the cluster owns: never a user's Secret of the same name. */
  private static Optional<Secret> ownedSecret(
      AccordCluster cluster, Context<AccordCluster> context, String name) {
    return context
        .getSecondaryResourcesAsStream(Secret.class)
        .filter(secret -> name.equals(secret.getMetadata().getName()))
        .filter(secret -> AccordResources.ownedBy(secret, cluster))
        .findFirst();
  }

  /** Deletes what the garbage collector cannot: the cluster-scoped TokenReview binding. */
  @Override
  public DeleteControl cleanup(AccordCluster cluster, Context<AccordCluster> context) {
    TokenReviewBinding.delete(context.getClient(), cluster);
    certificates.forget(cluster.getMetadata().getNamespace(), cluster.getMetadata().getName());
    reconcileLog.forget(cluster);
    return DeleteControl.defaultDelete();
  }

  /** The objects the workflow cannot own: the ClusterRoleBinding and a cert-manager Certificate. */
  private static void writeUnowned(
      AccordCluster cluster, ClusterSecurity security, Context<AccordCluster> context) {
    if (security.auth()) {
      TokenReviewBinding.apply(context.getClient(), cluster);
    } else {
      TokenReviewBinding.delete(context.getClient(), cluster);
    }
    if (security.tls() == ClusterSecurity.TlsMode.CERT_MANAGER
        && !ConditionReasons.CERT_MANAGER_NOT_INSTALLED.equals(
            security.tlsProblem() == null ? null : security.tlsProblem().reason())) {
      CertManagerCertificate.apply(context.getClient(), cluster);
    }
  }

  @Override
  public UpdateControl<AccordCluster> reconcile(
      AccordCluster cluster, Context<AccordCluster> context) {
    ClusterModel model = ClusterModel.from(context);
    ClusterSecurity security = ClusterSecurity.from(context);
    writeUnowned(cluster, security, context);
    certificates.record(
        cluster.getMetadata().getNamespace(), cluster.getMetadata().getName(), security.notAfter());
    AccordClusterStatus status =
        ClusterStatus.compute(
            model,
            security,
            context.getSecondaryResource(Deployment.class),
            context.getSecondaryResource(StatefulSet.class),
            clock.instant());
    UpdateControl<AccordCluster> control =
        status.equals(cluster.getStatus())
            ? UpdateControl.noUpdate()
            : UpdateControl.patchStatus(withStatus(cluster, status));
    reconcileLog.reconciled(cluster, status, sinceStart(context));
    // cert-manager's progress brings no event here: look again soon while it is pending.
    if (security.tls() == ClusterSecurity.TlsMode.CERT_MANAGER && security.tlsProblem() != null) {
      control.rescheduleAfter(CERT_MANAGER_RECHECK.toMillis());
    }
    // Nor does installing CloudNativePG: until its CRD exists no informer watches its Clusters.
    if (model.cloudNativePg() != null && !model.cloudNativePg().installed()) {
      control.rescheduleAfter(CNPG_INSTALL_RECHECK.toMillis());
    }
    return control;
  }

  /**
   * A failure the workflow could not handle (the API server refused a write, say): reported as
   * Degraded and retried with backoff by JOSDK, without a log line per attempt beyond its own.
   */
  @Override
  public ErrorStatusUpdateControl<AccordCluster> updateErrorStatus(
      AccordCluster cluster, Context<AccordCluster> context, Exception e) {
    AccordClusterStatus status =
        cluster.getStatus() != null ? copy(cluster.getStatus()) : new AccordClusterStatus();
    List<Condition> before = status.getConditions() != null ? status.getConditions() : List.of();
    reconcileLog.failed(cluster, Failures.rootMessage(e), sinceStart(context));
    String message = "reconcile failed, retrying: " + Failures.rootMessage(e);
    long generation = Optional.ofNullable(cluster.getMetadata().getGeneration()).orElse(0L);
    List<Condition> conditions = new ArrayList<>();
    for (String type : List.of(ConditionTypes.READY, ConditionTypes.DEGRADED)) {
      boolean degraded = type.equals(ConditionTypes.DEGRADED);
      conditions.add(
          ClusterStatus.condition(
              before,
              type,
              new Verdict(degraded, ConditionReasons.RECONCILE_FAILED, message),
              generation,
              clock.instant()));
    }
    before.stream()
        .filter(
            c ->
                !c.getType().equals(ConditionTypes.READY)
                    && !c.getType().equals(ConditionTypes.DEGRADED))
        .forEach(conditions::add);
    status.setConditions(conditions);
    return ErrorStatusUpdateControl.patchStatus(withStatus(cluster, status));
  }

  private static AccordClusterStatus copy(AccordClusterStatus status) {
    return io.fabric8.kubernetes.client.utils.Serialization.clone(status);
  }

  /** A fresh object carrying only what the status patch needs. */
  private static AccordCluster withStatus(AccordCluster cluster, AccordClusterStatus status) {
    AccordCluster fresh = new AccordCluster();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(cluster.getMetadata().getName())
            .withNamespace(cluster.getMetadata().getNamespace())
            .build());
    fresh.setStatus(status);
    return fresh;
  }

  /** Nanoseconds since the reconcile began (0 when it failed before its context was made). */
  private static long sinceStart(Context<AccordCluster> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .get(STARTED_KEY, Long.class)
        .map(started -> System.nanoTime() - started)
        .orElse(0L);
  }
}
