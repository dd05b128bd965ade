package dev.accord.operator.security;

import dev.accord.certs.Pem;
import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.AccordClusterSpec;
import dev.accord.crd.v1alpha1.AuthSpec;
import dev.accord.crd.v1alpha1.TlsSpec;
import dev.accord.operator.AccordResources;
import dev.accord.operator.ClusterModel.Problem;
import dev.accord.operator.ConditionReasons;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * A cluster's security settings for one reconcile, computed before the dependents run (they only
 * read it): how TLS is provided and what the Secrets hold, whether callers authenticate, and the
 * rendered access rules.
 *
 * @param tls how the servers get their certificate
 * @param tlsSecret the Secret the servers mount (tls.crt, tls.key); null when TLS is off
 * @param issued what the operator's own Secrets hold, in {@link TlsMode#OPERATOR} mode; else null
 * @param caBundle the PEM CA certificate clients trust; null when TLS is off or not known yet
 * @param notAfter when the servers' certificate expires; null when not known
 * @param tlsProblem why the certificate is not ready; null when it is, or TLS is off
 * @param auth whether the servers authenticate callers (ACCORD_AUTH=kubernetes)
 * @param accessFile the access file's YAML; null when spec.access is unusable ({@code
 *     accessProblem} says why, and the last good file stays)
 */
public record ClusterSecurity(
    TlsMode tls,
    String tlsSecret,
    OperatorTls issued,
    String caBundle,
    Instant notAfter,
    Problem tlsProblem,
    boolean auth,
    String accessFile,
    Problem accessProblem) {

  public static final String CONTEXT_KEY = "accord.dev/cluster-security";

  /** Where the servers' certificate comes from. */
  public enum TlsMode {
    OFF,
    OPERATOR,
    CERT_MANAGER
  }

  public static ClusterSecurity from(Context<AccordCluster> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(CONTEXT_KEY, ClusterSecurity.class);
  }

  public static TlsMode tlsMode(AccordCluster cluster) {
    TlsSpec tls = cluster.getSpec().getTls();
    if (tls != null && !tls.isOn()) {
      return TlsMode.OFF;
    }
    return tls != null && tls.getIssuerRef() != null ? TlsMode.CERT_MANAGER : TlsMode.OPERATOR;
  }

  public static boolean authOn(AccordCluster cluster) {
    AuthSpec auth = cluster.getSpec().getAuth();
    return auth == null || auth.isOn();
  }

  /**
   * @param caSecret the operator's CA Secret, when it exists
   * @param tlsSecret the operator-issued servers' Secret, when it exists
   * @param certManager what cert-manager did; only read in {@link TlsMode#CERT_MANAGER} mode
   */
  public static ClusterSecurity of(
      AccordCluster cluster,
      Optional<Secret> caSecret,
      Optional<Secret> tlsSecret,
      CertManagerCertificate.State certManager,
      Clock clock) {
    AccordClusterSpec spec = cluster.getSpec();
    boolean auth = authOn(cluster);
    String access = null;
    Problem accessProblem = null;
    try {
      access = AccessFile.render(spec.getAccess());
    } catch (IllegalArgumentException e) {
      accessProblem = new Problem(ConditionReasons.INVALID_ACCESS, e.getMessage());
    }
    TlsMode mode = tlsMode(cluster);
    switch (mode) {
      case OFF:
        return new ClusterSecurity(mode, null, null, null, null, null, auth, access, accessProblem);
      case OPERATOR:
        try {
          OperatorTls issued =
              OperatorTls.decide(
                  cluster.getMetadata().getName()
                      + "."
                      + cluster.getMetadata().getNamespace()
                      + OperatorTls.CA_COMMON_NAME_SUFFIX,
                  AccordResources.serverDnsNames(cluster),
                  caSecret,
                  tlsSecret,
                  clock);
          return new ClusterSecurity(
              mode,
              AccordResources.serverTls(cluster),
              issued,
              issued.caCertificate(),
              issued.notAfter(),
              null,
              auth,
              access,
              accessProblem);
        } catch (IllegalStateException e) {
          return new ClusterSecurity(
              mode,
              AccordResources.serverTls(cluster),
              null,
              null,
              null,
              new Problem(ConditionReasons.INVALID_CA, e.getMessage()),
              auth,
              access,
              accessProblem);
        }
      default:
        return certManager(cluster, certManager, auth, access, accessProblem);
    }
  }

  private static ClusterSecurity certManager(
      AccordCluster cluster,
      CertManagerCertificate.State state,
      boolean auth,
      String access,
      Problem accessProblem) {
    String secretName = AccordResources.certManagerTls(cluster);
    Problem problem = null;
    String caBundle = null;
    Instant notAfter = null;
    if (!state.installed()) {
      problem =
          new Problem(
              ConditionReasons.CERT_MANAGER_NOT_INSTALLED,
              "spec.tls.issuerRef names a cert-manager issuer, but the CRD "
                  + CertManagerCertificate.CRD
                  + " does not exist: install cert-manager, or remove spec.tls.issuerRef to let"
                  + " the operator issue the certificate");
    } else {
      String certPem =
          state.secret().map(s -> OperatorTls.decoded(s, OperatorTls.CERT_KEY)).orElse(null);
      caBundle =
          state.secret().map(s -> OperatorTls.decoded(s, OperatorTls.CA_CERT_KEY)).orElse(null);
      if (certPem != null) {
        try {
          notAfter = Pem.readCertificate(certPem).getNotAfter().toInstant();
        } catch (IllegalArgumentException e) {
          problem =
              new Problem(
                  ConditionReasons.CERTIFICATE_PENDING,
                  "Secret " + secretName + " holds no PEM certificate: " + e.getMessage());
        }
      }
      if (problem == null && (!state.ready() || certPem == null)) {
        problem =
            new Problem(
                ConditionReasons.CERTIFICATE_PENDING,
                "cert-manager Certificate "
                    + AccordResources.serverDeployment(cluster)
                    + " is not ready: "
                    + state.message());
      } else if (problem == null && caBundle == null) {
        problem =
            new Problem(
                ConditionReasons.CERTIFICATE_PENDING,
                "Secret "
                    + secretName
                    + " has no ca.crt: use an issuer that publishes its CA (CA, Vault, self-signed)"
                    + " so that injected clients can trust the servers");
      }
    }
    return new ClusterSecurity(
        TlsMode.CERT_MANAGER,
        secretName,
        null,
        caBundle,
        notAfter,
        problem,
        auth,
        access,
        accessProblem);
  }
}
