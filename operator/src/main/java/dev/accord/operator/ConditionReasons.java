package dev.accord.operator;

/**
 * The {@code reason}s the operator writes on an AccordCluster's conditions ({@link
 * dev.accord.crd.v1alpha1.ConditionTypes}): CamelCase words a person can act on. The Ready
 * condition's reason is what {@code kubectl get ac} shows as Status.
 */
public final class ConditionReasons {

  // Ready

  /** Every requested server replica is ready on a usable database (Ready=True). */
  public static final String READY = "Ready";

  /** Server replicas are starting, or the rollout is not finished (Ready=False). */
  public static final String STARTING = "Starting";

  /** spec.replicas is 0: nothing is supposed to serve (Ready=False). */
  public static final String SCALED_TO_ZERO = "ScaledToZero";

  // BackendReady

  /** The managed PostgreSQL StatefulSet has a ready replica (BackendReady=True). */
  public static final String POSTGRES_READY = "PostgresReady";

  /**
   * The managed PostgreSQL StatefulSet has no ready replica yet (BackendReady=False, and Ready
   * until then).
   */
  public static final String POSTGRES_STARTING = "PostgresStarting";

  /** The external database's Secret holds the keys the servers need (BackendReady=True). */
  public static final String CONFIGURED = "Configured";

  /** The CloudNativePG Cluster reports itself ready (BackendReady=True). */
  public static final String CNPG_CLUSTER_READY = "CNPGClusterReady";

  /**
   * The CloudNativePG Cluster exists but does not report itself ready (BackendReady=False, and
   * Ready until then).
   */
  public static final String CNPG_CLUSTER_NOT_READY = "CNPGClusterNotReady";

  // Problems with the database settings: on BackendReady, Ready and Degraded alike

  /** The spec names no database, or both, or an external one without a Secret name. */
  public static final String INVALID_BACKEND = "InvalidBackend";

  /** The external database's Secret does not exist in the cluster's namespace. */
  public static final String SECRET_NOT_FOUND = "SecretNotFound";

  /**
   * The external database's (or CloudNativePG's application) Secret lacks a key the servers need.
   */
  public static final String SECRET_KEY_MISSING = "SecretKeyMissing";

  /** spec.postgres.cloudNativePG is set but CloudNativePG's Cluster CRD does not exist. */
  public static final String CNPG_NOT_INSTALLED = "CNPGNotInstalled";

  /** The CloudNativePG Cluster spec.postgres.cloudNativePG names is not in the namespace. */
  public static final String CNPG_CLUSTER_NOT_FOUND = "CNPGClusterNotFound";

  /** The CloudNativePG Cluster's application Secret ({@code <cluster>-app}) does not exist. */
  public static final String CNPG_SECRET_MISSING = "CNPGSecretMissing";

  // Progressing

  /** The server Deployment does not exist yet and is being created (Progressing=True). */
  public static final String CREATING = "Creating";

  /** Some server replicas do not run the current configuration yet (Progressing=True). */
  public static final String ROLLING_OUT = "RollingOut";

  /** Every server replica runs the current configuration (Progressing=False). */
  public static final String STABLE = "Stable";

  // Degraded

  /** The Deployment reports that its rollout cannot progress (Degraded=True, Ready=False). */
  public static final String ROLLOUT_STUCK = "RolloutStuck";

  /** Nothing needs a person (Degraded=False). */
  public static final String AS_EXPECTED = "AsExpected";

  /**
   * A reconcile failed, for instance the API server refused a write; it is retried (Degraded=True,
   * Ready=False).
   */
  public static final String RECONCILE_FAILED = "ReconcileFailed";

  // TLSReady

  /** The operator issued the servers' certificate from the cluster's CA (TLSReady=True). */
  public static final String CERTIFICATE_ISSUED = "CertificateIssued";

  /** cert-manager issued the servers' certificate (TLSReady=True). */
  public static final String CERTIFICATE_READY = "CertificateReady";

  /** spec.tls.enabled is false: the servers serve plaintext (TLSReady=False). */
  public static final String TLS_DISABLED = "TLSDisabled";

  /** spec.tls.issuerRef is set but cert-manager's Certificate CRD does not exist. */
  public static final String CERT_MANAGER_NOT_INSTALLED = "CertManagerNotInstalled";

  /** cert-manager has not issued the certificate (yet), or its Secret is unusable. */
  public static final String CERTIFICATE_PENDING = "CertificatePending";

  /** The cluster's CA Secret exists but holds no usable CA (left alone for a person). */
  public static final String INVALID_CA = "InvalidCA";

  // Degraded

  /** spec.access has a rule the servers could not use; the last good rules stay. */
  public static final String INVALID_ACCESS = "InvalidAccess";

  private ConditionReasons() {}
}
