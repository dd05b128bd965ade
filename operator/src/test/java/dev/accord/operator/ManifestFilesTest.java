package dev.accord.operator;

import static dev.accord.operator.Manifests.CRD_FILE;
import static dev.accord.operator.Manifests.directory;
import static dev.accord.operator.Manifests.isAccordResource;
import static dev.accord.operator.Manifests.isKustomization;
import static dev.accord.operator.Manifests.loadAll;
import static dev.accord.operator.Manifests.name;
import static dev.accord.operator.Manifests.parseYamlMap;
import static dev.accord.operator.Manifests.rel;
import static dev.accord.operator.Manifests.yamlFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every YAML file under {@code manifests/} parses into typed Kubernetes resources, and each
 * kustomization lists exactly the files beside it.
 */
@EnableKubernetesMockClient(crud = true)
class ManifestFilesTest {
  /** Injected by the mock server extension (a fresh CRUD server for each test). */
  KubernetesClient client;

  @Test
  void everyManifestParsesIntoTypedResourcesWithApiVersionKindAndName() throws IOException {
    Map<Path, List<HasMetadata>> all = loadAll(client);
    assertThat(all)
        .as("YAML manifests under %s (kustomization files aside)", directory())
        .isNotEmpty();

    all.forEach(
        (file, items) -> {
          assertThat(items).as("%s: Kubernetes resources in it", rel(file)).isNotEmpty();
          for (HasMetadata item : items) {
            String what = rel(file) + ": " + item.getKind() + " " + name(item);
            assertThat(item.getApiVersion()).as("%s: apiVersion", what).isNotBlank();
            assertThat(item.getKind()).as("%s: kind", what).isNotBlank();
            assertThat(item.getMetadata()).as("%s: metadata", what).isNotNull();
            assertThat(item.getMetadata().getName()).as("%s: metadata.name", what).isNotBlank();
            if (!isAccordResource(item) && !Manifests.isCloudNativePgCluster(item)) {
              assertThat(item)
                  .as(
                      "%s (%s) should parse as a typed Fabric8 class: a generic resource means a wrong apiVersion "
                          + "or kind",
                      what, item.getApiVersion())
                  .isNotInstanceOf(GenericKubernetesResource.class);
            }
          }
        });
  }

  @Test
  void kustomizationsParseAndListEveryManifestBesideThem() throws IOException {
    List<Path> kustomizations = yamlFiles().stream().filter(Manifests::isKustomization).toList();
    assertThat(kustomizations)
        .as("kustomization.yaml files under %s", directory())
        .contains(
            directory().resolve("kustomization.yaml"),
            directory().resolve("operator/kustomization.yaml"));

    for (Path kustomization : kustomizations) {
      Map<String, Object> map = parseYamlMap(kustomization);
      assertThat(map.get("kind")).as("%s: kind", rel(kustomization)).isEqualTo("Kustomization");
      Object listed = map.get("resources");
      assertThat(listed)
          .as("%s: resources should be a list", rel(kustomization))
          .isInstanceOf(List.class);
      Path dir = kustomization.getParent();
      Set<Path> resources = new TreeSet<>();
      for (Object entry : (List<?>) listed) {
        Path resource = dir.resolve(String.valueOf(entry)).normalize();
        resources.add(resource);
        if (resource.endsWith(Paths.get(CRD_FILE))) {
          assertThat(resource)
              .as(
                  "%s lists %s, which is generated from the crds module (mvn -B package): it is missing",
                  rel(kustomization), entry)
              .isRegularFile();
        } else if (Files.isDirectory(resource)) {
          assertThat(resource.resolve("kustomization.yaml"))
              .as(
                  "%s lists the directory %s, which needs its own kustomization.yaml",
                  rel(kustomization), entry)
              .isRegularFile();
        } else {
          assertThat(resource).as("%s lists %s", rel(kustomization), entry).isRegularFile();
        }
      }
      try (Stream<Path> siblings = Files.list(dir)) {
        List<Path> unlisted =
            siblings
                .filter(Manifests::isYaml)
                .filter(p -> !isKustomization(p))
                .filter(p -> !resources.contains(p.normalize()))
                .sorted()
                .toList();
        assertThat(unlisted)
            .as(
                "YAML files beside %s that it does not list (kustomize would silently leave them out)",
                rel(kustomization))
            .isEmpty();
      }
    }
  }
}
