package dev.accord.operator;

import static dev.accord.operator.Manifests.CRD_NAME;
import static dev.accord.operator.Manifests.NAMESPACE;
import static dev.accord.operator.Manifests.OPERATOR;
import static dev.accord.operator.Manifests.directory;
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
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl kustomize} renders the base of {@code manifests/}, and what it renders holds the
 * RBAC, the webhook and the hardened Deployment the other manifest tests check as declared. Skipped
 * when kubectl is not on the PATH.
 */
@EnableKubernetesMockClient(crud = true)
class KustomizeRenderTest {
  /** Injected by the mock server extension (a fresh CRUD server for each test). */
  KubernetesClient client;

  @Test
  void kubectlKustomizeRendersTheBase(@TempDir Path tmp) throws Exception {
    Optional<Path> kubectl = onPath("kubectl");
    assumeTrue(kubectl.isPresent(), "kubectl is not on the PATH: kustomize rendering not checked");

    Path out = kustomize(kubectl.get(), directory(), tmp);

    List<HasMetadata> rendered;
    try (InputStream in = Files.newInputStream(out)) {
      rendered = client.load(in).items();
    }
    List<String> renderedNames = rendered.stream().map(Manifests::kindAndName).toList();
    assertThat(renderedNames)
        .as("resources rendered by kubectl kustomize")
        .contains(
            "CustomResourceDefinition " + CRD_NAME,
            "Namespace " + NAMESPACE,
            "Deployment " + NAMESPACE + "/" + OPERATOR,
            "ClusterRole " + OPERATOR);
    assertThat(rendered)
        .as(
            "resources rendered by kubectl kustomize: the samples are not part of the base (%s)",
            renderedNames)
        .noneMatch(Manifests::isAccordResource);
    assertThat(rendered)
        .as("resources rendered by kubectl kustomize: all typed (%s)", renderedNames)
        .noneMatch(i -> i instanceof GenericKubernetesResource);

    assertOperatorRbac(rendered, "kubectl kustomize");
    assertThat(renderedNames)
        .as("resources rendered by kubectl kustomize")
        .contains(
            "MutatingWebhookConfiguration " + WEBHOOK_CONFIGURATION,
            "Service " + NAMESPACE + "/" + WEBHOOK_SERVICE);
    assertSafeWebhook(rendered, "kubectl kustomize");
    assertHardenedOperatorDeployment(
        single(rendered, Deployment.class, OPERATOR, "kubectl kustomize"), "kubectl kustomize");
  }

  /** Runs {@code kubectl kustomize dir}, asserting it succeeds; returns the rendered file. */
  static Path kustomize(Path kubectl, Path dir, Path tmp) throws Exception {
    Path out = tmp.resolve("rendered.yaml");
    Path err = tmp.resolve("stderr.txt");
    Process process =
        new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail("kubectl kustomize %s did not finish within 2 minutes", dir);
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(process.exitValue())
        .as("exit status of kubectl kustomize %s; its stderr:%n%s", dir, stderr)
        .isZero();
    return out;
  }

  static Optional<Path> onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Paths.get(dir, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
