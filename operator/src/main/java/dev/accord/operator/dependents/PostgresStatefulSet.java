package dev.accord.operator.dependents;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.ManagedPostgres;
import dev.accord.operator.AccordResources;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;

/**
 * A single PostgreSQL instance with its data on a PersistentVolumeClaim: for development and tests,
 * not for production (no replica, no backup; use an external database there).
 */
@KubernetesDependent(
    informer =
        @Informer(labelSelector = AccordResources.OBJECT_LABEL + "=" + PostgresStatefulSet.OBJECT))
public class PostgresStatefulSet
    extends CRUDKubernetesDependentResource<StatefulSet, AccordCluster> {
  static final String OBJECT = "postgres";
  static final String DEFAULT_IMAGE = "postgres:16";
  static final String DEFAULT_STORAGE = "1Gi";

  /** The official image's postgres user. */
  private static final long POSTGRES_UID = 999;

  public PostgresStatefulSet() {
    super(StatefulSet.class);
  }

  @Override
  protected StatefulSet desired(AccordCluster cluster, Context<AccordCluster> context) {
    ManagedPostgres managed = cluster.getSpec().getPostgres().getManaged();
    String image = managed.getImage() != null ? managed.getImage() : DEFAULT_IMAGE;
    String storage = managed.getStorageSize() != null ? managed.getStorageSize() : DEFAULT_STORAGE;
    Map<String, String> selector =
        AccordResources.selector(cluster, AccordResources.COMPONENT_POSTGRES);
    String name = AccordResources.postgres(cluster);
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(AccordResources.labels(cluster, AccordResources.COMPONENT_POSTGRES, OBJECT))
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withServiceName(name)
        .withNewSelector()
        .withMatchLabels(selector)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(selector)
        .endMetadata()
        .withNewSpec()
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(POSTGRES_UID)
        .withFsGroup(POSTGRES_UID)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName("postgres")
        .withImage(image)
        .addNewPort()
        .withName("postgres")
        .withContainerPort(AccordResources.POSTGRES_PORT)
        .endPort()
        .addNewEnv()
        .withName("POSTGRES_USER")
        .withValue(AccordResources.POSTGRES_USER)
        .endEnv()
        .addNewEnv()
        .withName("POSTGRES_DB")
        .withValue(AccordResources.POSTGRES_DATABASE)
        .endEnv()
        .addNewEnv()
        .withName("POSTGRES_PASSWORD")
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(name)
        .withKey(AccordResources.POSTGRES_PASSWORD_KEY)
        .endSecretKeyRef()
        .endValueFrom()
        .endEnv()
        .addNewEnv()
        .withName("PGDATA")
        .withValue("/var/lib/postgresql/data/pgdata")
        .endEnv()
        .withResources(managed.getResources())
        .withNewReadinessProbe()
        .withNewExec()
        .withCommand("pg_isready", "-U", AccordResources.POSTGRES_USER)
        .endExec()
        .withPeriodSeconds(5)
        .endReadinessProbe()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("data")
        .withMountPath("/var/lib/postgresql/data")
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("run")
        .withMountPath("/var/run/postgresql")
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("run")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .addNewVolumeClaimTemplate()
        .withNewMetadata()
        .withName("data")
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(managed.getStorageClassName())
        .withNewResources()
        .addToRequests("storage", new Quantity(storage))
        .endResources()
        .endSpec()
        .endVolumeClaimTemplate()
        .endSpec()
        .build();
  }
}
