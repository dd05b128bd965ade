package dev.accord.crd.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccordClusterSerializationTest {

  @Test
  void roundTripsThroughYaml() {
    AccordCluster cluster = sample();

    String yaml = Serialization.asYaml(cluster);
    AccordCluster back = Serialization.unmarshal(yaml, AccordCluster.class);

    assertThat(yaml).contains("apiVersion: \"accord.dev/v1alpha1\"", "kind: \"AccordCluster\"");
    assertThat(back.getSpec()).isEqualTo(cluster.getSpec());
    assertThat(back.getStatus()).isEqualTo(cluster.getStatus());
    assertThat(back.getMetadata()).isEqualTo(cluster.getMetadata());
    assertThat(back.getSpec().getResources().getLimits().get("memory"))
        .isEqualTo(new Quantity("512Mi"));
  }

  @Test
  void unsetOptionalFieldsAreLeftOut() {
    AccordCluster cluster = new AccordCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName("demo").build());
    AccordClusterSpec spec = new AccordClusterSpec();
    PostgresSpec postgres = new PostgresSpec();
    postgres.setManaged(new ManagedPostgres());
    spec.setPostgres(postgres);
    cluster.setSpec(spec);

    String yaml = Serialization.asYaml(cluster);

    assertThat(yaml)
        .doesNotContain("image: null", "external", "podTemplate", "resources", "storageClassName");
    assertThat(Serialization.unmarshal(yaml, AccordCluster.class).getSpec()).isEqualTo(spec);
  }

  @Test
  void readsAMinimalManifestWithJavaDefaults() {
    String yaml =
        "apiVersion: accord.dev/v1alpha1\n"
            + "kind: AccordCluster\n"
            + "metadata:\n"
            + "  name: accord\n"
            + "spec:\n"
            + "  postgres:\n"
            + "    external:\n"
            + "      secretName: accord-postgres\n";

    AccordCluster cluster = Serialization.unmarshal(yaml, AccordCluster.class);

    assertThat(cluster.getSpec().getReplicas()).isEqualTo(1);
    assertThat(cluster.getSpec().getPort()).isEqualTo(7475);
    assertThat(cluster.getSpec().getClientDefaults().getTtl()).isEqualTo("10m");
    assertThat(cluster.getSpec().getImage()).isNull();
    assertThat(cluster.getSpec().getPostgres().getExternal().getSecretName())
        .isEqualTo("accord-postgres");
    assertThat(cluster.getSpec().getPostgres().getExternal().getUrlKey()).isNull();
    assertThat(cluster.getSpec().getPostgres().getManaged()).isNull();
  }

  static AccordCluster sample() {
    AccordCluster cluster = new AccordCluster();
    cluster.setMetadata(
        new ObjectMetaBuilder()
            .withName("accord")
            .withNamespace("team-a")
            .withLabels(Map.of("app.kubernetes.io/part-of", "accord"))
            .build());

    AccordClusterSpec spec = new AccordClusterSpec();
    spec.setReplicas(3);
    spec.setImage("ghcr.io/example/accord-server:0.1.0");
    spec.setPort(7575);
    spec.setResources(
        new ResourceRequirementsBuilder()
            .addToRequests("cpu", new Quantity("250m"))
            .addToLimits("memory", new Quantity("512Mi"))
            .build());
    ClientDefaults clientDefaults = new ClientDefaults();
    clientDefaults.setTtl("30s");
    spec.setClientDefaults(clientDefaults);
    ExternalPostgres external = new ExternalPostgres();
    external.setSecretName("accord-postgres");
    external.setUrlKey("url");
    PostgresSpec postgres = new PostgresSpec();
    postgres.setExternal(external);
    spec.setPostgres(postgres);
    PodTemplateOverrides podTemplate = new PodTemplateOverrides();
    podTemplate.setLabels(Map.of("team", "a"));
    podTemplate.setAnnotations(Map.of("prometheus.io/scrape", "true"));
    podTemplate.setNodeSelector(Map.of("kubernetes.io/os", "linux"));
    podTemplate.setTolerations(
        List.of(
            new TolerationBuilder()
                .withKey("dedicated")
                .withOperator("Equal")
                .withValue("accord")
                .withEffect("NoSchedule")
                .build()));
    podTemplate.setAffinity(
        new AffinityBuilder()
            .withNewPodAntiAffinity()
            .addNewPreferredDuringSchedulingIgnoredDuringExecution()
            .withWeight(100)
            .withNewPodAffinityTerm()
            .withTopologyKey("kubernetes.io/hostname")
            .withNewLabelSelector()
            .addToMatchLabels("app.kubernetes.io/instance", "accord")
            .endLabelSelector()
            .endPodAffinityTerm()
            .endPreferredDuringSchedulingIgnoredDuringExecution()
            .endPodAntiAffinity()
            .build());
    podTemplate.setPriorityClassName("high");
    podTemplate.setTopologySpreadConstraints(
        List.of(
            new TopologySpreadConstraintBuilder()
                .withMaxSkew(1)
                .withTopologyKey("topology.kubernetes.io/zone")
                .withWhenUnsatisfiable("ScheduleAnyway")
                .withNewLabelSelector()
                .addToMatchLabels("app.kubernetes.io/instance", "accord")
                .endLabelSelector()
                .build()));
    spec.setPodTemplate(podTemplate);
    cluster.setSpec(spec);

    AccordClusterStatus status = new AccordClusterStatus();
    status.setObservedGeneration(4L);
    status.setReplicas(3);
    status.setReadyReplicas(2);
    status.setSelector("app.kubernetes.io/instance=accord,app.kubernetes.io/name=accord-server");
    status.setEndpoint("accord.team-a.svc:7575");
    status.setBackend(PostgresSpec.BACKEND_EXTERNAL);
    Condition ready =
        new ConditionBuilder()
            .withType(ConditionTypes.READY)
            .withStatus("False")
            .withReason("ReplicasNotReady")
            .withMessage("2 of 3 servers ready")
            .withObservedGeneration(4L)
            .withLastTransitionTime("2026-11-29T03:00:00Z")
            .build();
    status.setConditions(List.of(ready));
    cluster.setStatus(status);
    return cluster;
  }
}
