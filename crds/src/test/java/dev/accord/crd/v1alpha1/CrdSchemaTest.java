package dev.accord.crd.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceSubresourceScale;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the committed CRD says, read as a Fabric8 CustomResourceDefinition. */
class CrdSchemaTest {

  private static CustomResourceDefinition crd;
  private static CustomResourceDefinitionVersion version;
  private static JSONSchemaProps spec;
  private static JSONSchemaProps status;

  @BeforeAll
  static void readCommittedCrd() throws IOException {
    try (InputStream in = Files.newInputStream(CrdFiles.committed())) {
      crd = new KubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
    }
    assertThat(crd.getSpec().getVersions()).hasSize(1);
    version = crd.getSpec().getVersions().get(0);
    Map<String, JSONSchemaProps> root = version.getSchema().getOpenAPIV3Schema().getProperties();
    spec = root.get("spec");
    status = root.get("status");
  }

  @Test
  void namesAndScope() {
    assertThat(crd.getApiVersion()).isEqualTo("apiextensions.k8s.io/v1");
    assertThat(crd.getMetadata().getName())
        .isEqualTo("accordclusters.accord.dev")
        .isEqualTo(AccordCluster.CRD_NAME);
    assertThat(crd.getSpec().getGroup()).isEqualTo("accord.dev");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("AccordCluster");
    assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("accordclusters");
    assertThat(crd.getSpec().getNames().getSingular()).isEqualTo("accordcluster");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("ac");
    assertThat(version.getName()).isEqualTo("v1alpha1");
    assertThat(version.getServed()).isTrue();
    assertThat(version.getStorage()).isTrue();
  }

  @Test
  void statusAndScaleSubresources() {
    assertThat(version.getSubresources().getStatus()).isNotNull();
    CustomResourceSubresourceScale scale = version.getSubresources().getScale();
    assertThat(scale).isNotNull();
    assertThat(scale.getSpecReplicasPath()).isEqualTo(".spec.replicas");
    assertThat(scale.getStatusReplicasPath()).isEqualTo(".status.replicas");
    assertThat(scale.getLabelSelectorPath()).isEqualTo(".status.selector");
    assertThat(status.getProperties().get("replicas").getType()).isEqualTo("integer");
    assertThat(status.getProperties().get("selector").getType()).isEqualTo("string");
  }

  @Test
  void printerColumnsInOrder() {
    List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
    assertThat(columns)
        .extracting(CustomResourceColumnDefinition::getName)
        .containsExactly("Replicas", "Ready", "Status", "Endpoint", "Backend", "Age");
    assertThat(columns)
        .extracting(CustomResourceColumnDefinition::getJsonPath)
        .containsExactly(
            ".spec.replicas",
            ".status.readyReplicas",
            ".status.conditions[?(@.type==\"Ready\")].reason",
            ".status.endpoint",
            ".status.backend",
            ".metadata.creationTimestamp");
    assertThat(columns)
        .extracting(CustomResourceColumnDefinition::getType)
        .containsExactly("integer", "integer", "string", "string", "string", "date");
  }

  @Test
  void postgresIsRequiredAndExactlyOneBackendIsSet() {
    assertThat(spec.getRequired()).containsExactly("postgres");
    JSONSchemaProps postgres = spec.getProperties().get("postgres");
    assertThat(postgres.getProperties()).containsOnlyKeys("external", "managed", "cloudNativePG");
    assertThat(postgres.getXKubernetesValidations())
        .singleElement()
        .satisfies(
            (ValidationRule rule) ->
                assertThat(rule.getMessage())
                    .isEqualTo(
                        "set exactly one of postgres.external, postgres.managed or"
                            + " postgres.cloudNativePG"));
    JSONSchemaProps external = postgres.getProperties().get("external");
    assertThat(external.getRequired()).containsExactly("secretName");
    assertThat(external.getProperties()).containsOnlyKeys("secretName", "urlKey");
    assertThat(external.getProperties().get("urlKey").getDescription())
        .as("names every key the operator reads")
        .contains(
            "postgres://",
            ExternalPostgres.KEY_HOST,
            ExternalPostgres.KEY_DATABASE,
            ExternalPostgres.KEY_USER,
            ExternalPostgres.KEY_PASSWORD,
            ExternalPostgres.KEY_PORT,
            ExternalPostgres.KEY_SSLMODE);
    JSONSchemaProps cnpg = postgres.getProperties().get("cloudNativePG");
    assertThat(cnpg.getRequired()).containsExactly("cluster");
    assertThat(cnpg.getProperties()).containsOnlyKeys("cluster");
    assertThat(cnpg.getProperties().get("cluster").getDescription())
        .as("names the Secret and every key the operator reads")
        .contains(
            "<cluster>" + CloudNativePgPostgres.APP_SECRET_SUFFIX,
            CloudNativePgPostgres.KEY_URI,
            CloudNativePgPostgres.KEY_HOST,
            CloudNativePgPostgres.KEY_PORT,
            CloudNativePgPostgres.KEY_DBNAME,
            CloudNativePgPostgres.KEY_USER,
            CloudNativePgPostgres.KEY_PASSWORD);
  }

  @Test
  void defaults() {
    assertThat(spec.getProperties().get("replicas").getDefault().isInt()).isTrue();
    assertThat(spec.getProperties().get("replicas").getDefault().intValue()).isEqualTo(1);
    assertThat(spec.getProperties().get("port").getDefault().intValue()).isEqualTo(7475);
    JSONSchemaProps clientDefaults = spec.getProperties().get("clientDefaults");
    assertThat(clientDefaults.getProperties().get("ttl").getDefault().textValue()).isEqualTo("10m");
    JSONSchemaProps managed = spec.getProperties().get("postgres").getProperties().get("managed");
    assertThat(managed.getProperties().get("storageSize").getDefault().textValue())
        .isEqualTo("1Gi");
    assertThat(managed.getProperties().get("image").getDefault().textValue())
        .isEqualTo("postgres:16");
    // No default for image: the operator picks the server image of its own version.
    assertThat(spec.getProperties().get("image").getDefault()).isNull();
  }

  @Test
  void javaInitialValuesMatchTheSchemaDefaults() {
    AccordClusterSpec javaSpec = new AccordClusterSpec();
    ManagedPostgres javaManaged = new ManagedPostgres();
    JSONSchemaProps managed = spec.getProperties().get("postgres").getProperties().get("managed");
    assertThat(javaSpec.getReplicas())
        .isEqualTo(spec.getProperties().get("replicas").getDefault().intValue());
    assertThat(javaSpec.getPort())
        .isEqualTo(spec.getProperties().get("port").getDefault().intValue());
    assertThat(javaSpec.getClientDefaults().getTtl())
        .isEqualTo(
            spec.getProperties()
                .get("clientDefaults")
                .getProperties()
                .get("ttl")
                .getDefault()
                .textValue());
    assertThat(javaManaged.getStorageSize())
        .isEqualTo(managed.getProperties().get("storageSize").getDefault().textValue());
    assertThat(javaManaged.getImage())
        .isEqualTo(managed.getProperties().get("image").getDefault().textValue());
  }

  @Test
  void bounds() {
    JSONSchemaProps replicas = spec.getProperties().get("replicas");
    assertThat(replicas.getType()).isEqualTo("integer");
    assertThat(replicas.getMinimum()).isEqualTo(0.0);
    assertThat(replicas.getMaximum()).isEqualTo(100.0);
    JSONSchemaProps port = spec.getProperties().get("port");
    assertThat(port.getType()).isEqualTo("integer");
    assertThat(port.getMinimum()).isEqualTo(1.0);
    assertThat(port.getMaximum()).isEqualTo(65535.0);
    assertThat(replicas.getExclusiveMinimum()).isNull();
    assertThat(port.getExclusiveMaximum()).isNull();
    assertThat(spec.getProperties().get("clientDefaults").getProperties().get("ttl").getPattern())
        .isEqualTo("^[0-9]+(s|m|h)$");
  }

  @Test
  void specFields() {
    assertThat(spec.getProperties())
        .containsOnlyKeys(
            "replicas",
            "image",
            "port",
            "resources",
            "clientDefaults",
            "postgres",
            "podTemplate",
            "tls",
            "auth",
            "access",
            "networkPolicy");
    assertThat(spec.getProperties().get("podTemplate").getProperties())
        .containsOnlyKeys(
            "labels",
            "annotations",
            "nodeSelector",
            "tolerations",
            "affinity",
            "priorityClassName",
            "topologySpreadConstraints");
    assertThat(spec.getProperties().get("postgres").getProperties().get("managed").getProperties())
        .containsOnlyKeys("storageSize", "storageClassName", "image", "resources");
  }

  @Test
  void statusHasConditionsAndNoPhase() {
    assertThat(status.getProperties())
        .containsOnlyKeys(
            "observedGeneration",
            "replicas",
            "readyReplicas",
            "selector",
            "endpoint",
            "backend",
            "tls",
            "conditions");
    assertThat(status.getProperties().get("conditions").getItems().getSchema().getProperties())
        .containsKeys(
            "type", "status", "reason", "message", "lastTransitionTime", "observedGeneration");
    assertThat(propertyNames(status)).doesNotContain("phase");
  }

  /** Every property name in a schema, at any depth. */
  private static List<String> propertyNames(JSONSchemaProps schema) {
    List<String> names = new ArrayList<>();
    collect(schema, names);
    return names;
  }

  private static void collect(JSONSchemaProps schema, List<String> names) {
    if (schema == null) {
      return;
    }
    if (schema.getProperties() != null) {
      schema
          .getProperties()
          .forEach(
              (name, child) -> {
                names.add(name);
                collect(child, names);
              });
    }
    if (schema.getItems() != null) {
      collect(schema.getItems().getSchema(), names);
    }
    if (schema.getAdditionalProperties() != null) {
      collect(schema.getAdditionalProperties().getSchema(), names);
    }
  }
}
