package dev.accord.operator;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.TlsStatus;
import dev.accord.operator.ClusterStatus.Verdict;
import dev.accord.operator.security.ClusterSecurity;
import java.time.temporal.ChronoUnit;

/** The TLSReady condition and status.tls, from a reconcile's {@link ClusterSecurity}. */
final class TlsVerdict {
  private TlsVerdict() {}

  static Verdict of(AccordCluster cluster, ClusterSecurity security) {
    if (security.tls() == ClusterSecurity.TlsMode.OFF) {
      return Verdict.no(
          ConditionReasons.TLS_DISABLED,
          "spec.tls.enabled is false: the servers accept plaintext gRPC");
    }
    if (security.tlsProblem() != null) {
      return Verdict.no(security.tlsProblem().reason(), security.tlsProblem().message());
    }
    String until =
        security.notAfter() == null
            ? ""
            : ", valid until " + security.notAfter().truncatedTo(ChronoUnit.SECONDS);
    return security.tls() == ClusterSecurity.TlsMode.CERT_MANAGER
        ? Verdict.yes(
            ConditionReasons.CERTIFICATE_READY,
            "cert-manager issued the servers' certificate into Secret "
                + security.tlsSecret()
                + until)
        : Verdict.yes(
            ConditionReasons.CERTIFICATE_ISSUED,
            "the servers' certificate in Secret "
                + security.tlsSecret()
                + " is signed by the cluster's CA (Secret "
                + AccordResources.certificateAuthority(cluster)
                + ")"
                + until);
  }

  /** status.tls: null while TLS is off. */
  static TlsStatus status(ClusterSecurity security) {
    if (security.tls() == ClusterSecurity.TlsMode.OFF) {
      return null;
    }
    TlsStatus status = new TlsStatus();
    status.setSecretName(security.tlsSecret());
    status.setNotAfter(
        security.notAfter() == null
            ? null
            : security.notAfter().truncatedTo(ChronoUnit.SECONDS).toString());
    return status;
  }
}
