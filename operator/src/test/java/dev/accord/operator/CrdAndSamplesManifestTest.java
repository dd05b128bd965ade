package dev.accord.operator;

import static dev.accord.operator.Manifests.CRD_FILE;
import static dev.accord.operator.Manifests.CRD_NAME;
import static dev.accord.operator.Manifests.directory;
import static dev.accord.operator.Manifests.load;
import static dev.accord.operator.Manifests.parseYamlDocuments;
import static dev.accord.operator.Manifests.rel;
import static dev.accord.operator.Manifests.single;
import static dev.accord.operator.Manifests.yamlFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The CRD in {@code manifests/} declares what the other manifests rely on, and the samples match
 * its schema.
 */
@EnableKubernetesMockClient(crud = true)
class CrdAndSamplesManifestTest {
  /** Injected by the mock server extension (a fresh CRUD server for each test). */
  KubernetesClient client;

  @Test
  void crdDeclaresWhatTheManifestsRelyOn() throws IOException {
    CustomResourceDefinition crd = crd();
    assertThat(crd.getSpec().getGroup()).as("CRD group").isEqualTo("accord.dev");
    assertThat(crd.getSpec().getNames().getKind()).as("CRD kind").isEqualTo("AccordCluster");
    assertThat(crd.getSpec().getNames().getPlural())
        .as("CRD plural (the ClusterRole grants accordclusters)")
        .isEqualTo("accordclusters");
    assertThat(crd.getSpec().getScope()).as("CRD scope").isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getShortNames())
        .as("CRD short names (the samples say kubectl get ac)")
        .contains("ac");
    CustomResourceDefinitionVersion version = v1alpha1(crd);
    assertThat(version.getServed()).as("v1alpha1 served").isTrue();
    assertThat(version.getStorage()).as("v1alpha1 storage").isTrue();
    assertThat(version.getSubresources()).as("v1alpha1 subresources").isNotNull();
    assertThat(version.getSubresources().getStatus())
        .as("v1alpha1 status subresource (the ClusterRole grants accordclusters/status)")
        .isNotNull();
  }

  @Test
  void samplesMatchTheCrdSchemaAndEachOther() throws IOException {
    JSONSchemaProps schema = v1alpha1(crd()).getSchema().getOpenAPIV3Schema();
    List<Path> files =
        yamlFiles().stream().filter(p -> p.startsWith(directory().resolve("samples"))).toList();
    assertThat(files)
        .as("sample files")
        .contains(
            directory().resolve("samples/accordcluster-managed.yaml"),
            directory().resolve("samples/accordcluster-external.yaml"),
            directory().resolve("samples/accordcluster-cnpg.yaml"));

    // The YAML as written, not as a Java class reads it: a typed read could drop a misspelt field
    // unnoticed.
    Map<String, Map<String, Object>> clusters = new TreeMap<>();
    Map<String, Map<String, Object>> secrets = new TreeMap<>();
    Map<String, Map<String, Object>> cnpgClusters = new TreeMap<>();
    for (Path file : files) {
      for (Map<String, Object> document : parseYamlDocuments(file)) {
        Object name = path(document, "metadata", "name");
        String apiVersion = String.valueOf(document.get("apiVersion"));
        if (apiVersion.startsWith("accord.dev/")) {
          assertThat(apiVersion)
              .as("%s: %s apiVersion", rel(file), name)
              .isEqualTo("accord.dev/v1alpha1");
          assertThat(document.get("kind"))
              .as("%s: %s kind", rel(file), name)
              .isEqualTo("AccordCluster");
          Object spec = document.get("spec");
          assertThat(spec).as("%s: AccordCluster %s spec", rel(file), name).isInstanceOf(Map.class);
          checkAgainstSchema(
              spec, schema.getProperties().get("spec"), rel(file) + ": " + name + " spec");
          @SuppressWarnings("unchecked")
          Map<String, Object> typed = (Map<String, Object>) spec;
          clusters.put(String.valueOf(name), typed);
        } else if ("Secret".equals(document.get("kind"))) {
          secrets.put(String.valueOf(name), document);
        } else if (CloudNativePgCluster.API_VERSION.equals(apiVersion)
            && CloudNativePgCluster.KIND.equals(document.get("kind"))) {
          cnpgClusters.put(String.valueOf(name), document);
        }
      }
    }

    assertThat(clusters)
        .as("AccordClusters in the samples")
        .containsKeys("demo", "accord", "accord-cnpg");
    assertThat(clusters.get("demo")).as("sample demo spec").containsEntry("replicas", 2);
    assertThat(path(clusters.get("demo"), "postgres", "managed", "storageSize"))
        .as("sample demo spec.postgres.managed.storageSize")
        .isEqualTo("1Gi");
    assertThat(path(clusters.get("accord"), "clientDefaults", "ttl"))
        .as("sample accord spec.clientDefaults.ttl")
        .isEqualTo("5m");
    Object secretName = path(clusters.get("accord"), "postgres", "external", "secretName");
    Object urlKey = path(clusters.get("accord"), "postgres", "external", "urlKey");
    assertThat(secrets)
        .as("Secrets in the samples (the one sample accord reads)")
        .containsKey(String.valueOf(secretName));
    assertThat(path(secrets.get(String.valueOf(secretName)), "stringData", String.valueOf(urlKey)))
        .as("stringData.%s of Secret %s (sample accord reads that key)", urlKey, secretName)
        .asString()
        .startsWith("postgres://");
    Object pgCluster = path(clusters.get("accord-cnpg"), "postgres", "cloudNativePG", "cluster");
    assertThat(cnpgClusters)
        .as("CloudNativePG Clusters in the samples (the one sample accord-cnpg names)")
        .containsOnlyKeys(String.valueOf(pgCluster));
  }

  /**
   * Field names and basic types of a value against a structural schema: catches typos the mock
   * never would.
   */
  static void checkAgainstSchema(Object value, JSONSchemaProps schema, String where) {
    assertThat(schema).as("%s: no such field in the CRD schema", where).isNotNull();
    if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
      assertThat(value).as("%s: int-or-string", where).isInstanceOfAny(Number.class, String.class);
      return;
    }
    String type = schema.getType();
    if (type == null) {
      return;
    }
    switch (type) {
      case "object" -> {
        assertThat(value).as("%s should be an object", where).isInstanceOf(Map.class);
        Map<?, ?> map = (Map<?, ?>) value;
        if (schema.getRequired() != null) {
          assertThat(new ArrayList<Object>(map.keySet()))
              .as("%s: required fields", where)
              .containsAll(schema.getRequired());
        }
        boolean open =
            Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())
                || schema.getAdditionalProperties() != null;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          String field = where + "." + entry.getKey();
          JSONSchemaProps child =
              schema.getProperties() == null ? null : schema.getProperties().get(entry.getKey());
          if (child == null && open) {
            continue;
          }
          assertThat(child)
              .as(
                  "%s: not a field of the CRD schema (known here: %s)",
                  field,
                  schema.getProperties() == null
                      ? "none"
                      : new TreeSet<>(schema.getProperties().keySet()))
              .isNotNull();
          checkAgainstSchema(entry.getValue(), child, field);
        }
      }
      case "array" -> {
        assertThat(value).as("%s should be a list", where).isInstanceOf(List.class);
        JSONSchemaProps items = schema.getItems() == null ? null : schema.getItems().getSchema();
        if (items != null) {
          List<?> list = (List<?>) value;
          for (int i = 0; i < list.size(); i++) {
            checkAgainstSchema(list.get(i), items, where + "[" + i + "]");
          }
        }
      }
      case "string" ->
          assertThat(value).as("%s should be a string", where).isInstanceOf(String.class);
      case "integer", "number" ->
          assertThat(value).as("%s should be a number", where).isInstanceOf(Number.class);
      case "boolean" ->
          assertThat(value).as("%s should be a boolean", where).isInstanceOf(Boolean.class);
      default -> {}
    }
  }

  static Object path(Map<String, Object> map, String... keys) {
    Object current = map;
    for (String key : keys) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(key);
    }
    return current;
  }

  CustomResourceDefinition crd() throws IOException {
    Path file = directory().resolve(CRD_FILE);
    assertThat(file)
        .as("%s, generated from the crds module (mvn -B package)", rel(file))
        .isRegularFile();
    List<HasMetadata> items = load(client, file);
    return single(items, CustomResourceDefinition.class, CRD_NAME, rel(file));
  }

  static CustomResourceDefinitionVersion v1alpha1(CustomResourceDefinition crd) {
    Optional<CustomResourceDefinitionVersion> version =
        crd.getSpec().getVersions().stream()
            .filter(v -> "v1alpha1".equals(v.getName()))
            .findFirst();
    assertThat(version).as("CRD %s version v1alpha1", CRD_NAME).isPresent();
    return version.get();
  }
}
