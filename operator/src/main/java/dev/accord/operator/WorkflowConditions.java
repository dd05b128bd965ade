package dev.accord.operator;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.security.ClusterSecurity;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * When an owned object should exist. A dependent whose condition does not hold is deleted if it
 * exists: the PDB when the cluster scales down to one server, the database objects when a cluster
 * moves to an external database.
 */
public final class WorkflowConditions {
  private WorkflowConditions() {}

  /** The spec names exactly one database. */
  public static final class ValidBackend implements Condition<Object, AccordCluster> {
    @Override
    public boolean isMet(
        DependentResource<Object, AccordCluster> dependent,
        AccordCluster cluster,
        Context<AccordCluster> context) {
      return ClusterModel.from(context).backend() != ClusterModel.Backend.INVALID;
    }
  }

  /** The database is the operator's own. */
  public static final class ManagedBackend implements Condition<Object, AccordCluster> {
    @Override
    public boolean isMet(
        DependentResource<Object, AccordCluster> dependent,
        AccordCluster cluster,
        Context<AccordCluster> context) {
      return ClusterModel.from(context).backend() == ClusterModel.Backend.MANAGED;
    }
  }

  /** A disruption budget only means something with more than one server. */
  public static final class SeveralReplicas implements Condition<Object, AccordCluster> {
    @Override
    public boolean isMet(
        DependentResource<Object, AccordCluster> dependent,
        AccordCluster cluster,
        Context<AccordCluster> context) {
      return ClusterModel.from(context).replicas() > 1;
    }
  }

  /** The operator issues the servers' certificate itself (TLS on, no cert-manager issuer). */
  public static final class OperatorIssuedTls implements Condition<Object, AccordCluster> {
    @Override
    public boolean isMet(
        DependentResource<Object, AccordCluster> dependent,
        AccordCluster cluster,
        Context<AccordCluster> context) {
      ClusterSecurity security = ClusterSecurity.from(context);
      return security.tls() == ClusterSecurity.TlsMode.OPERATOR && security.issued() != null;
    }
  }

  /** There is a CA for clients to trust. */
  public static final class CaKnown implements Condition<Object, AccordCluster> {
    @Override
    public boolean isMet(
        DependentResource<Object, AccordCluster> dependent,
        AccordCluster cluster,
        Context<AccordCluster> context) {
      return ClusterSecurity.from(context).caBundle() != null;
    }
  }

  /** The servers authenticate callers, so they need access rules. */
  public static final class AuthOn implements Condition<Object, AccordCluster> {
    @Override
    public boolean isMet(
        DependentResource<Object, AccordCluster> dependent,
        AccordCluster cluster,
        Context<AccordCluster> context) {
      return ClusterSecurity.from(context).auth();
    }
  }

  /** spec.networkPolicy is not false. */
  public static final class NetworkPolicyOn implements Condition<Object, AccordCluster> {
    @Override
    public boolean isMet(
        DependentResource<Object, AccordCluster> dependent,
        AccordCluster cluster,
        Context<AccordCluster> context) {
      return !Boolean.FALSE.equals(cluster.getSpec().getNetworkPolicy());
    }
  }
}
