package dev.accord.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The Kubernetes manifests under {@code manifests/}, read for the manifest tests: files, parsed
 * resources, and the names the tests report them by. Surefire passes the directory as the system
 * property {@code accord.manifests}.
 */
final class Manifests {
  static final String NAMESPACE = "accord-system";
  static final String OPERATOR = "accord-operator";
  static final String CRD_FILE = "crds/accordclusters.accord.dev-v1.yml";
  static final String CRD_NAME = "accordclusters.accord.dev";

  private static Path dir;

  private Manifests() {}

  /** The manifests directory; fails the test when surefire did not say where it is. */
  static synchronized Path directory() {
    if (dir == null) {
      String property = System.getProperty("accord.manifests");
      assertThat(property)
          .as(
              "system property accord.manifests (set by the operator module's surefire configuration)")
          .isNotBlank();
      Path located = Paths.get(property).toAbsolutePath().normalize();
      assertThat(located).as("the manifests directory").isDirectory();
      dir = located;
    }
    return dir;
  }

  static boolean isAccordResource(HasMetadata item) {
    return item.getApiVersion() != null && item.getApiVersion().startsWith("accord.dev/");
  }

  /** A CloudNativePG Cluster, which the CloudNativePG sample declares beside its AccordCluster. */
  static boolean isCloudNativePgCluster(HasMetadata item) {
    return CloudNativePgCluster.API_VERSION.equals(item.getApiVersion())
        && CloudNativePgCluster.KIND.equals(item.getKind());
  }

  static boolean isYaml(Path p) {
    String name = p.getFileName().toString();
    return Files.isRegularFile(p) && (name.endsWith(".yaml") || name.endsWith(".yml"));
  }

  static boolean isKustomization(Path p) {
    String name = p.getFileName().toString();
    return name.equals("kustomization.yaml")
        || name.equals("kustomization.yml")
        || name.equals("Kustomization");
  }

  /**
   * The optional monitoring component: Prometheus Operator kinds Fabric8 has no classes for, and a
   * kustomize Component rather than a Kustomization; MonitoringManifestsTest checks it.
   */
  static final String MONITORING = "monitoring";

  /**
   * The release install: the base rendered into one file with its images pinned; a copy of the
   * base's resources, so ReleaseManifestTest checks it and the per-file tests leave it out.
   */
  static final String RELEASE = "release";

  /**
   * The YAML files of the base and the samples (not {@value #MONITORING}/ nor {@value #RELEASE}/).
   */
  static List<Path> yamlFiles() throws IOException {
    Path monitoring = directory().resolve(MONITORING);
    Path release = directory().resolve(RELEASE);
    try (Stream<Path> walk = Files.walk(directory())) {
      return walk.filter(p -> !p.startsWith(monitoring))
          .filter(p -> !p.startsWith(release))
          .filter(p -> isYaml(p) || isKustomization(p))
          .sorted(Comparator.naturalOrder())
          .toList();
    }
  }

  /** Every manifest but the kustomization files, by file, parsed by Fabric8. */
  static Map<Path, List<HasMetadata>> loadAll(KubernetesClient client) throws IOException {
    Map<Path, List<HasMetadata>> all = new TreeMap<>();
    for (Path file : yamlFiles()) {
      if (!isKustomization(file)) {
        all.put(file, load(client, file));
      }
    }
    return all;
  }

  /** Every resource of every manifest but the kustomization files, in file order. */
  static List<HasMetadata> allResources(KubernetesClient client) throws IOException {
    return loadAll(client).values().stream().flatMap(List::stream).toList();
  }

  static List<HasMetadata> load(KubernetesClient client, Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return client.load(in).items();
    } catch (RuntimeException e) {
      throw new AssertionError(rel(file) + " does not parse as Kubernetes resources: " + e, e);
    }
  }

  static Map<String, Object> parseYamlMap(Path file) throws IOException {
    List<Map<String, Object>> documents = parseYamlDocuments(file);
    assertThat(documents).as("%s: YAML documents in it", rel(file)).hasSize(1);
    return documents.get(0);
  }

  /** Every document of a YAML file, as plain maps; fails unless each is a map. */
  static List<Map<String, Object>> parseYamlDocuments(Path file) throws IOException {
    List<Map<String, Object>> documents = new ArrayList<>();
    try (MappingIterator<Object> values =
        new YAMLMapper().readerFor(Object.class).readValues(file.toFile())) {
      while (values.hasNextValue()) {
        Object document = values.nextValue();
        if (document == null) {
          continue; // an empty document, such as after a leading ---
        }
        assertThat(document)
            .as("%s: each YAML document should be a map", rel(file))
            .isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) document;
        documents.add(map);
      }
    } catch (JsonProcessingException e) {
      throw new AssertionError(rel(file) + " is not valid YAML: " + e.getOriginalMessage(), e);
    }
    return documents;
  }

  static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> items, Class<T> kind) {
    return items.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  static <T extends HasMetadata> T single(
      List<HasMetadata> items, Class<T> kind, String name, String source) {
    List<T> found =
        ofKind(items, kind).stream().filter(i -> name.equals(i.getMetadata().getName())).toList();
    assertThat(found).as("%s: %s named %s", source, kind.getSimpleName(), name).hasSize(1);
    return found.get(0);
  }

  static String name(HasMetadata item) {
    if (item.getMetadata() == null) {
      return "<no metadata>";
    }
    String ns = item.getMetadata().getNamespace();
    return ns == null
        ? String.valueOf(item.getMetadata().getName())
        : ns + "/" + item.getMetadata().getName();
  }

  static String kindAndName(HasMetadata item) {
    return item.getKind() + " " + name(item);
  }

  /** A path as the tests report it: relative to the repository, under manifests/. */
  static String rel(Path file) {
    return "manifests/" + directory().relativize(file);
  }
}
