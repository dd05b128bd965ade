package dev.accord.crd.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The security fields of the committed CRD: on by default, and spec.access validated. */
class SecuritySchemaTest {
  private static JSONSchemaProps spec;

  @BeforeAll
  static void readCommittedCrd() throws IOException {
    CustomResourceDefinition crd;
    try (InputStream in = Files.newInputStream(CrdFiles.committed())) {
      crd = new KubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
    }
    spec =
        crd.getSpec()
            .getVersions()
            .get(0)
            .getSchema()
            .getOpenAPIV3Schema()
            .getProperties()
            .get("spec");
  }

  private static JsonNode json(Object value) {
    return new KubernetesSerialization().convertValue(value, JsonNode.class);
  }

  @Test
  void tlsAuthAndNetworkPolicyAreOnByDefault() {
    JSONSchemaProps tls = spec.getProperties().get("tls");
    assertThat(json(tls.getDefault()).path("enabled").asBoolean()).isTrue();
    assertThat(json(tls.getProperties().get("enabled").getDefault()).asBoolean()).isTrue();
    assertThat(tls.getProperties()).containsOnlyKeys("enabled", "issuerRef");
    JSONSchemaProps auth = spec.getProperties().get("auth");
    assertThat(json(auth.getDefault()).path("enabled").asBoolean()).isTrue();
    assertThat(auth.getProperties()).containsOnlyKeys("enabled");
    assertThat(json(spec.getProperties().get("networkPolicy").getDefault()).asBoolean()).isTrue();
  }

  @Test
  void issuerRefNamesAnIssuerOrClusterIssuer() {
    JSONSchemaProps issuer = spec.getProperties().get("tls").getProperties().get("issuerRef");
    assertThat(issuer.getRequired()).containsExactly("name");
    assertThat(issuer.getProperties().get("kind").getPattern())
        .isEqualTo("^(Issuer|ClusterIssuer)$");
    assertThat(json(issuer.getProperties().get("kind").getDefault()).asText()).isEqualTo("Issuer");
    assertThat(json(issuer.getProperties().get("group").getDefault()).asText())
        .isEqualTo("cert-manager.io");
  }

  @Test
  void accessRulesAreValidated() {
    JSONSchemaProps access = spec.getProperties().get("access");
    assertThat(access.getType()).isEqualTo("array");
    JSONSchemaProps rule = access.getItems().getSchema();
    assertThat(rule.getProperties())
        .containsOnlyKeys("serviceAccounts", "groups", "namespaces", "role");
    assertThat(rule.getRequired()).containsExactlyInAnyOrder("namespaces", "role");
    assertThat(rule.getProperties().get("role").getPattern()).isEqualTo("^(worker|reader|admin)$");
    assertThat(rule.getProperties().get("namespaces").getMinItems()).isEqualTo(1L);
    assertThat(rule.getXKubernetesValidations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getRule()).contains("self.serviceAccounts").contains("self.groups");
              assertThat(v.getMessage()).contains("serviceAccounts or groups");
            });
    JSONSchemaProps account = rule.getProperties().get("serviceAccounts").getItems().getSchema();
    assertThat(account.getRequired()).containsExactlyInAnyOrder("namespace", "name");
    assertThat(account.getProperties().get("namespace").getPattern()).isNotBlank();
  }
}
