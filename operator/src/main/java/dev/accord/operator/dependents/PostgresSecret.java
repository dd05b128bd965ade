package dev.accord.operator.dependents;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.AccordResources;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The managed database's password, generated once: while the Secret exists its password is kept
 * (regenerating it would lock the servers out of a database initialised with the old one).
 */
@KubernetesDependent(
    informer =
        @Informer(labelSelector = AccordResources.OBJECT_LABEL + "=" + PostgresSecret.OBJECT))
public class PostgresSecret extends ClusterOwnedSecret {
  static final String OBJECT = "postgres-secret";
  private static final SecureRandom RANDOM = new SecureRandom();

  @Override
  protected Secret desired(AccordCluster cluster, Context<AccordCluster> context) {
    // Found by name: other Secrets of the cluster are secondaries too, and JOSDK's own lookup
    // would call desired() to choose among them.
    String password =
        context
            .getSecondaryResourcesAsStream(Secret.class)
            .filter(s -> AccordResources.postgres(cluster).equals(s.getMetadata().getName()))
            .filter(s -> AccordResources.ownedBy(s, cluster))
            .findFirst()
            .map(Secret::getData)
            .map(data -> data.get(AccordResources.POSTGRES_PASSWORD_KEY))
            .orElseGet(PostgresSecret::newPassword);
    return new SecretBuilder()
        .withNewMetadata()
        .withName(AccordResources.postgres(cluster))
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(AccordResources.labels(cluster, AccordResources.COMPONENT_POSTGRES, OBJECT))
        .endMetadata()
        .withType("Opaque")
        .withData(Map.of(AccordResources.POSTGRES_PASSWORD_KEY, password))
        .build();
  }

  /** 32 random bytes, URL-safe, base64-encoded again as Secret data is. */
  private static String newPassword() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.US_ASCII));
  }
}
