package dev.accord.operator.webhook;

import static dev.accord.operator.webhook.WebhookFixtures.annotations;
import static dev.accord.operator.webhook.WebhookFixtures.apply;
import static dev.accord.operator.webhook.WebhookFixtures.array;
import static dev.accord.operator.webhook.WebhookFixtures.container;
import static dev.accord.operator.webhook.WebhookFixtures.env;
import static dev.accord.operator.webhook.WebhookFixtures.patch;
import static dev.accord.operator.webhook.WebhookFixtures.pod;
import static dev.accord.operator.webhook.WebhookFixtures.readyCluster;
import static dev.accord.operator.webhook.WebhookFixtures.review;
import static dev.accord.operator.webhook.WebhookFixtures.wire;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accord.crd.v1alpha1.AccordCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The credentials the webhook injects into pods of clusters with TLS and authentication, with the
 * CA ConfigMaps on a mock API server: what the pod looks like once the API server applied the
 * patch, and which ConfigMaps exist in which namespace.
 */
@EnableKubernetesMockClient(crud = true)
class PodCredentialsTest {
  static final String UID = "4f1e2c7a-0000-4000-8000-000000000001";
  static final String CA = "-----BEGIN CERTIFICATE-----\nfirst CA\n-----END CERTIFICATE-----\n";
  static final String TOKEN_ENV = "ACCORD_TOKEN_FILE=/var/run/secrets/accord.dev/token";
  static final String CA_ENV = "ACCORD_TLS_CA_FILE=/var/run/secrets/accord.dev/ca.crt";

  KubernetesClient client;
  final Map<String, AccordCluster> clusters = new HashMap<>();
  PodInjector injector;

  AccordCluster cluster(boolean tls, boolean auth) {
    AccordCluster cluster = readyCluster("jobs", "accord", "5m");
    cluster.getSpec().getTls().setEnabled(tls);
    cluster.getSpec().getAuth().setEnabled(auth);
    clusters.put("jobs/accord", cluster);
    injector =
        new PodInjector((ns, name) -> clusters.get(ns + "/" + name), new CaBundleCopies(client));
    return cluster;
  }

  void caConfigMap(String pem) {
    client
        .configMaps()
        .inNamespace("jobs")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("accord-ca")
                .withNamespace("jobs")
                .endMetadata()
                .addToData("ca.crt", pem)
                .build())
        .createOr(c -> c.update());
  }

  JsonNode answer(String namespace, String podJson) {
    AdmissionReview in =
        PodInjector.SERIALIZATION.unmarshal(review(UID, namespace, podJson), AdmissionReview.class);
    return wire(injector.review(in), UID);
  }

  /** The pod as the API server stores it after applying the webhook's patch. */
  Pod admitted(String namespace, String podJson) {
    JsonNode wire = answer(namespace, podJson);
    assertThat(wire.path("response").has("warnings")).as("warnings: %s", wire).isFalse();
    return apply(podJson, patch(wire));
  }

  static String annotated(String cluster, String... containers) {
    return pod(annotations("accord.dev/cluster", cluster), array(containers), null);
  }

  static Volume credentialsVolume(Pod pod) {
    return pod.getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals("accord-credentials"))
        .findFirst()
        .orElseThrow();
  }

  static List<VolumeMount> mounts(Container container) {
    return container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
  }

  ConfigMap copyIn(String namespace) {
    return client.configMaps().inNamespace(namespace).withName("accord-ca.jobs.accord").get();
  }

  @Test
  void tlsAndAuthOnGiveATokenForTheAccordAudienceAndTheCaInOneProjectedVolume() {
    cluster(true, true);
    caConfigMap(CA);
    String pod =
        pod(
            annotations("accord.dev/cluster", "accord"),
            array(container("worker"), container("sidecar")),
            array(container("init")));

    Pod injected = admitted("jobs", pod);

    List<VolumeProjection> sources = credentialsVolume(injected).getProjected().getSources();
    assertThat(sources).hasSize(2);
    var token = sources.get(0).getServiceAccountToken();
    assertThat(token.getAudience()).isEqualTo("accord.dev");
    assertThat(token.getExpirationSeconds()).isEqualTo(3600L);
    assertThat(token.getPath()).isEqualTo("token");
    var ca = sources.get(1).getConfigMap();
    assertThat(ca.getName()).as("the cluster's own CA ConfigMap").isEqualTo("accord-ca");
    assertThat(ca.getItems())
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.getKey()).isEqualTo("ca.crt");
              assertThat(item.getPath()).isEqualTo("ca.crt");
            });
    List<Container> all = new ArrayList<>(injected.getSpec().getContainers());
    all.addAll(injected.getSpec().getInitContainers());
    for (Container container : all) {
      assertThat(env(container)).as(container.getName()).contains(TOKEN_ENV, CA_ENV);
      assertThat(mounts(container))
          .as(container.getName())
          .singleElement()
          .satisfies(
              m -> {
                assertThat(m.getName()).isEqualTo("accord-credentials");
                assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/accord.dev");
                assertThat(m.getReadOnly()).isTrue();
              });
    }
    assertThat(client.configMaps().inNamespace("jobs").list().getItems())
        .as("no copy in the cluster's own namespace")
        .extracting(c -> c.getMetadata().getName())
        .containsExactly("accord-ca");
  }

  @Test
  void authWithoutTlsGivesOnlyTheTokenAndNeedsNoCa() {
    cluster(false, true);

    Pod injected = admitted("jobs", annotated("accord", container("worker")));

    List<VolumeProjection> sources = credentialsVolume(injected).getProjected().getSources();
    assertThat(sources)
        .singleElement()
        .satisfies(
            s -> assertThat(s.getServiceAccountToken().getAudience()).isEqualTo("accord.dev"));
    List<String> env = env(injected.getSpec().getContainers().get(0));
    assertThat(env).contains(TOKEN_ENV);
    assertThat(env).noneMatch(e -> e.startsWith("ACCORD_TLS_CA_FILE"));
  }

  @Test
  void tlsAndAuthOffGiveTheSettingsOnly() {
    cluster(false, false);

    Pod injected = admitted("jobs", annotated("accord", container("worker")));

    assertThat(injected.getSpec().getVolumes()).isNullOrEmpty();
    Container worker = injected.getSpec().getContainers().get(0);
    assertThat(worker.getVolumeMounts()).isNullOrEmpty();
    assertThat(env(worker))
        .containsExactly(
            "ACCORD_TARGET=" + WebhookFixtures.ENDPOINT,
            "ACCORD_OWNER<-metadata.name",
            "ACCORD_TTL=5m");
  }

  @Test
  void aPodInAnotherNamespaceMountsACopyOfTheCaKeptUpToDate() {
    cluster(true, true);
    caConfigMap(CA);
    String pod = annotated("jobs/accord", container("worker"));

    Pod injected = admitted("analytics", pod);

    assertThat(
            credentialsVolume(injected).getProjected().getSources().get(1).getConfigMap().getName())
        .isEqualTo("accord-ca.jobs.accord");
    ConfigMap copy = copyIn("analytics");
    assertThat(copy.getData()).containsExactly(Map.entry("ca.crt", CA));
    assertThat(copy.getMetadata().getAnnotations())
        .containsEntry("accord.dev/source", "jobs/accord-ca");

    // Another pod, same CA: the copy is not written again.
    admitted("analytics", pod);
    assertThat(copyIn("analytics").getMetadata().getResourceVersion())
        .isEqualTo(copy.getMetadata().getResourceVersion());

    // The CA replaced: the next pod of that namespace brings the copy up to date.
    String replaced = CA.replace("first", "second");
    caConfigMap(replaced);
    admitted("analytics", pod);
    assertThat(copyIn("analytics").getData()).containsExactly(Map.entry("ca.crt", replaced));
    assertThat(copyIn("web")).as("only namespaces with injected pods get a copy").isNull();
  }

  @Test
  void withoutTheClustersCaConfigMapThePodPassesUnchangedWithAWarning() {
    cluster(true, true);
    String pod = annotated("jobs/accord", container("worker"));

    JsonNode wire = answer("analytics", pod);

    assertThat(patch(wire)).isNull();
    assertThat(wire.path("response").path("warnings").get(0).asText())
        .isEqualTo(
            "AccordCluster jobs/accord: its CA cannot be mounted (ConfigMap jobs/accord-ca with the"
                + " cluster's CA is not there yet); the pod starts without Accord settings");
    assertThat(copyIn("analytics")).isNull();
  }

  @Test
  void whatAContainerAlreadySetsOrMountsIsLeftAlone() {
    cluster(true, true);
    caConfigMap(CA);
    String ownToken =
        "{\"name\":\"own-token\",\"image\":\"registry.example/worker:1\","
            + "\"env\":[{\"name\":\"ACCORD_TOKEN_FILE\",\"value\":\"/secrets/mine\"}]}";
    String ownMount =
        "{\"name\":\"own-mount\",\"image\":\"registry.example/worker:1\","
            + "\"volumeMounts\":[{\"name\":\"accord-credentials\",\"mountPath\":\"/creds\"}]}";
    String samePath =
        "{\"name\":\"same-path\",\"image\":\"registry.example/worker:1\","
            + "\"volumeMounts\":[{\"name\":\"mine\",\"mountPath\":\"/var/run/secrets/accord.dev\"}]}";
    String pod =
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"worker\","
            + "\"annotations\":{\"accord.dev/cluster\":\"accord\"}},\"spec\":{"
            + "\"volumes\":[{\"name\":\"accord-credentials\",\"emptyDir\":{}},"
            + "{\"name\":\"mine\",\"emptyDir\":{}}],"
            + "\"containers\":"
            + array(ownToken, ownMount, samePath)
            + "}}";

    Pod injected = admitted("jobs", pod);

    assertThat(injected.getSpec().getVolumes())
        .as("the pod's own volume of that name stays as it is, and is the only one")
        .filteredOn(v -> v.getName().equals("accord-credentials"))
        .singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    Map<String, Container> byName = new HashMap<>();
    injected.getSpec().getContainers().forEach(c -> byName.put(c.getName(), c));
    assertThat(env(byName.get("own-token")))
        .contains("ACCORD_TOKEN_FILE=/secrets/mine")
        .doesNotContain(TOKEN_ENV)
        .contains(CA_ENV);
    assertThat(mounts(byName.get("own-mount")))
        .singleElement()
        .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/creds"));
    // A second mount at the same path would make the API server refuse the pod.
    assertThat(mounts(byName.get("same-path")))
        .singleElement()
        .satisfies(m -> assertThat(m.getName()).isEqualTo("mine"));
  }
}
