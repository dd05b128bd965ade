package dev.accord.operator;

import static dev.accord.operator.Manifests.CRD_NAME;
import static dev.accord.operator.Manifests.NAMESPACE;
import static dev.accord.operator.Manifests.OPERATOR;
import static dev.accord.operator.Manifests.allResources;
import static dev.accord.operator.Manifests.name;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The whole set of manifests applies to a (mock) API server: the CRD first, then namespaces, then
 * the rest (but for the resources of other operators' CRDs, which the samples may declare).
 */
@EnableKubernetesMockClient(crud = true)
class ManifestsApplyTest {
  /** Injected by the mock server extension (a fresh CRUD server for each test). */
  KubernetesClient client;

  @Test
  void everythingAppliesToTheApiServerCrdFirstThenNamespacesThenTheRest() throws IOException {
    // The CloudNativePG sample's Cluster applies only where CloudNativePG is installed.
    List<HasMetadata> all =
        allResources(client).stream().filter(i -> !Manifests.isCloudNativePgCluster(i)).toList();
    Predicate<HasMetadata> isCrd = i -> i instanceof CustomResourceDefinition;
    Predicate<HasMetadata> isNamespace = i -> i instanceof Namespace;
    List<HasMetadata> ordered = new ArrayList<>();
    all.stream().filter(isCrd).forEach(ordered::add);
    all.stream().filter(isNamespace).forEach(ordered::add);
    all.stream().filter(isCrd.negate().and(isNamespace.negate())).forEach(ordered::add);
    assertThat(ordered.stream().map(Manifests::kindAndName).toList())
        .as("resources in the manifests")
        .contains("CustomResourceDefinition " + CRD_NAME, "Namespace " + NAMESPACE);

    for (HasMetadata item : ordered) {
      try {
        HasMetadata created = client.resource(item).create();
        assertThat(created).as("created %s %s", item.getKind(), name(item)).isNotNull();
      } catch (RuntimeException e) {
        throw new AssertionError(
            "the API server refused " + item.getKind() + " " + name(item) + ": " + e, e);
      }
    }
    for (HasMetadata item : ordered) {
      HasMetadata read = client.resource(item).get();
      assertThat(read).as("%s %s read back after create", item.getKind(), name(item)).isNotNull();
      assertThat(read.getKind()).as("kind of %s read back", name(item)).isEqualTo(item.getKind());
      assertThat(read.getMetadata().getName())
          .as("name of %s %s read back", item.getKind(), name(item))
          .isEqualTo(item.getMetadata().getName());
    }

    Deployment deployment =
        client.apps().deployments().inNamespace(NAMESPACE).withName(OPERATOR).get();
    assertThat(deployment).as("Deployment %s/%s on the server", NAMESPACE, OPERATOR).isNotNull();
    assertThat(client.rbac().clusterRoles().withName(OPERATOR).get())
        .as("ClusterRole %s on the server", OPERATOR)
        .isNotNull();
    assertThat(client.apiextensions().v1().customResourceDefinitions().withName(CRD_NAME).get())
        .as("CRD %s on the server", CRD_NAME)
        .isNotNull();
  }
}
