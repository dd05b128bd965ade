package dev.accord.operator;

import static dev.accord.operator.Manifests.CRD_FILE;
import static dev.accord.operator.Manifests.CRD_NAME;
import static dev.accord.operator.Manifests.NAMESPACE;
import static dev.accord.operator.Manifests.OPERATOR;
import static dev.accord.operator.Manifests.RELEASE;
import static dev.accord.operator.Manifests.directory;
import static dev.accord.operator.Manifests.load;
import static dev.accord.operator.Manifests.parseYamlDocuments;
import static dev.accord.operator.Manifests.parseYamlMap;
import static dev.accord.operator.Manifests.single;
import static dev.accord.operator.OperatorDeploymentManifestTest.assertHardenedOperatorDeployment;
import static dev.accord.operator.OperatorRbacManifestTest.assertOperatorRbac;
import static dev.accord.operator.WebhookManifestTest.WEBHOOK_CONFIGURATION;
import static dev.accord.operator.WebhookManifestTest.WEBHOOK_SERVICE;
import static dev.accord.operator.WebhookManifestTest.assertSafeWebhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code manifests/release/accord.yaml}, the install users apply in one file, is the render of
 * {@code manifests/release/kustomization.yaml}, and that pins the project's version: the image tag,
 * the operator's server image and the version label of every resource.
 */
@EnableKubernetesMockClient(crud = true)
class ReleaseManifestTest {
  static final String INSTALL_FILE = "accord.yaml";
  static final String VERSION_LABEL = "app.kubernetes.io/version";
  static final String REFRESH_COMMAND =
      "kubectl kustomize manifests/release > manifests/release/accord.yaml";

  /** Injected by the mock server extension (a fresh CRUD server for each test). */
  KubernetesClient client;

  @Test
  void releaseKustomizationIsTheBaseAtTheProjectVersion() throws IOException {
    String version = projectVersion();
    Map<String, Object> release = parseYamlMap(releaseDir().resolve("kustomization.yaml"));
    Map<String, Object> base = parseYamlMap(directory().resolve("kustomization.yaml"));
    List<String> baseResources =
        ((List<?>) base.get("resources")).stream().map(r -> "../" + r).toList();
    assertThat(release.get("resources"))
        .as("manifests/release/kustomization.yaml resources: those of the base, from ../")
        .isEqualTo(baseResources);
    assertThat(release.get("images"))
        .as("manifests/release/kustomization.yaml images: the operator's, at the project's version")
        .isEqualTo(List.of(Map.of("name", "accord/accord-operator", "newTag", version)));
    assertThat(release.get("labels"))
        .as("manifests/release/kustomization.yaml labels: the project's version")
        .isEqualTo(List.of(Map.of("pairs", Map.of(VERSION_LABEL, version))));
  }

  @Test
  void installHoldsTheWholeBaseAtTheProjectVersion() throws IOException {
    String what = "manifests/release/" + INSTALL_FILE;
    List<HasMetadata> install = load(client, installFile());
    List<String> names = install.stream().map(Manifests::kindAndName).toList();
    assertThat(names)
        .as("%s resources", what)
        .contains(
            "CustomResourceDefinition " + CRD_NAME,
            "Namespace " + NAMESPACE,
            "ServiceAccount " + NAMESPACE + "/" + OPERATOR,
            "ClusterRole " + OPERATOR,
            "Deployment " + NAMESPACE + "/" + OPERATOR,
            "Service " + NAMESPACE + "/" + WEBHOOK_SERVICE,
            "MutatingWebhookConfiguration " + WEBHOOK_CONFIGURATION);
    assertThat(install)
        .as("%s: typed resources, no samples (%s)", what, names)
        .noneMatch(i -> i instanceof GenericKubernetesResource)
        .noneMatch(Manifests::isAccordResource);
    for (HasMetadata item : install) {
      assertThat(item.getMetadata().getLabels())
          .as("%s: %s labels", what, Manifests.kindAndName(item))
          .containsEntry(VERSION_LABEL, projectVersion());
    }

    assertOperatorRbac(install, what);
    assertSafeWebhook(install, what);
    // Also holds the image and ACCORD_SERVER_IMAGE to accord/accord-{operator,server}:VERSION.
    assertHardenedOperatorDeployment(single(install, Deployment.class, OPERATOR, what), what);

    CustomResourceDefinition committed =
        single(
            load(client, directory().resolve(CRD_FILE)),
            CustomResourceDefinition.class,
            CRD_NAME,
            "manifests/" + CRD_FILE);
    assertThat(single(install, CustomResourceDefinition.class, CRD_NAME, what).getSpec())
        .as("%s: the CRD's spec, against manifests/%s", what, CRD_FILE)
        .isEqualTo(committed.getSpec());
  }

  @Test
  void installIsAFreshRenderOfTheReleaseKustomization(@TempDir Path tmp) throws Exception {
    Optional<Path> kubectl = KustomizeRenderTest.onPath("kubectl");
    assumeTrue(
        kubectl.isPresent(),
        "kubectl is not on the PATH: manifests/release/accord.yaml not compared with a fresh render");
    Path rendered = KustomizeRenderTest.kustomize(kubectl.get(), releaseDir(), tmp);

    // Compared as YAML documents, not bytes: another kubectl may indent or order keys otherwise.
    List<Map<String, Object>> expected = parseYamlDocuments(rendered);
    List<Map<String, Object>> actual = parseYamlDocuments(installFile());
    for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
      Map<String, Object> want = i < expected.size() ? expected.get(i) : null;
      Map<String, Object> got = i < actual.size() ? actual.get(i) : null;
      if (want == null || !want.equals(got)) {
        fail(
            "manifests/release/%s differs from a fresh render of manifests/release/ at document %d"
                + " (rendered: %s, committed: %s). Render it again (from the repository root):%n  %s",
            INSTALL_FILE, i + 1, describe(want), describe(got), REFRESH_COMMAND);
      }
    }
  }

  private static String describe(Map<String, Object> document) {
    if (document == null) {
      return "<none>";
    }
    Object metadata = document.get("metadata");
    Object name = metadata instanceof Map<?, ?> m ? m.get("name") : null;
    return document.get("kind") + " " + name;
  }

  private static String projectVersion() {
    String version = System.getProperty("accord.image.version");
    assertThat(version)
        .as(
            "system property accord.image.version (set by the operator module's surefire configuration)")
        .isNotBlank();
    return version;
  }

  private static Path releaseDir() {
    Path dir = directory().resolve(RELEASE);
    assertThat(dir).as("the release directory").isDirectory();
    return dir;
  }

  private static Path installFile() {
    Path file = releaseDir().resolve(INSTALL_FILE);
    if (!file.toFile().isFile()) {
      fail(
          "manifests/release/%s is missing. Render it (from the repository root):%n  %s",
          INSTALL_FILE, REFRESH_COMMAND);
    }
    return file;
  }
}
