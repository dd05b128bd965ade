package dev.accord.operator;

import static dev.accord.operator.ClusterFixture.decoded;
import static dev.accord.operator.ClusterFixture.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.accord.certs.Pem;
import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.ConditionTypes;
import dev.accord.crd.v1alpha1.PodTemplateOverrides;
import dev.accord.crd.v1alpha1.TlsSpec;
import dev.accord.operator.security.OperatorTls;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TLS the operator provides by itself: its CA, the server certificate, mounting, rotation. */
@EnableKubernetesMockClient(crud = true)
class ClusterTlsTest {
  static final Instant START = Instant.parse("2026-12-01T00:00:00Z");
  KubernetesClient client;
  final TestClock clock = new TestClock(START);
  ClusterFixture fixture;

  @BeforeEach
  void start() {
    fixture = new ClusterFixture(client, clock);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  X509Certificate serverCertificate(Secret secret) {
    return Pem.readCertificate(decoded(secret, "tls.crt"));
  }

  @Test
  void theServersGetACertificateForBothServicesSignedByTheClustersCa() throws Exception {
    fixture.create("demo", spec -> {});

    Secret ca = fixture.await(Secret.class, "demo-ca");
    Secret tls = fixture.await(Secret.class, "demo-tls");
    assertThat(tls.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(tls.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
    assertThat(ca.getData()).containsOnlyKeys("ca.crt", "ca.key");
    X509Certificate certificate = serverCertificate(tls);
    certificate.verify(Pem.readCertificate(decoded(ca, "ca.crt")).getPublicKey());
    assertThat(OperatorTls.dnsNames(certificate))
        .containsExactlyInAnyOrder(
            "demo",
            "demo.jobs",
            "demo.jobs.svc",
            "demo.jobs.svc.cluster.local",
            "demo-headless",
            "demo-headless.jobs",
            "demo-headless.jobs.svc",
            "demo-headless.jobs.svc.cluster.local");
    // Both owned by the cluster, so deleting it deletes them.
    assertThat(tls.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("demo"));
    ConfigMap bundle = fixture.await(ConfigMap.class, "demo-ca");
    assertThat(bundle.getData()).containsOnlyKeys("ca.crt");
    assertThat(bundle.getData().get("ca.crt")).isEqualTo(decoded(ca, "ca.crt"));
  }

  @Test
  void theServerMountsTheCertificateAndIsToldWhereItIs() {
    fixture.create("demo", spec -> {});

    Deployment deployment =
        await()
            .atMost(ClusterFixture.WAIT)
            .until(
                () -> fixture.deployment("demo"), d -> env(d).containsKey("ACCORD_TLS_CERT_FILE"));
    Map<String, EnvVar> env = env(deployment);
    assertThat(env.get("ACCORD_TLS_CERT_FILE").getValue()).isEqualTo("/var/run/accord/tls/tls.crt");
    assertThat(env.get("ACCORD_TLS_KEY_FILE").getValue()).isEqualTo("/var/run/accord/tls/tls.key");
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("tls");
              assertThat(v.getSecret().getSecretName()).isEqualTo("demo-tls");
            });
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("tls");
              assertThat(m.getMountPath()).isEqualTo("/var/run/accord/tls");
              assertThat(m.getSubPath()).as("subPath mounts never see updates").isNull();
              assertThat(m.getReadOnly()).isTrue();
            });
  }

  @Test
  void statusSaysTlsIsReadyAndWhenTheCertificateExpires() {
    fixture.create("demo", spec -> {});

    var ready =
        fixture.awaitCondition(
            "demo", ConditionTypes.TLS_READY, "True", ConditionReasons.CERTIFICATE_ISSUED);
    assertThat(ready.getMessage()).contains("demo-tls").contains("demo-ca");
    Secret tls = fixture.await(Secret.class, "demo-tls");
    AccordCluster cluster = fixture.fetch("demo");
    assertThat(cluster.getStatus().getTls().getSecretName()).isEqualTo("demo-tls");
    assertThat(Instant.parse(cluster.getStatus().getTls().getNotAfter()))
        .isEqualTo(serverCertificate(tls).getNotAfter().toInstant())
        .isEqualTo(START.plus(OperatorTls.SERVER_VALIDITY));
  }

  @Test
  void theCertificateIsReplacedBeforeItExpiresAndTheCaStays() {
    fixture.create("demo", spec -> {});
    Secret first = fixture.await(Secret.class, "demo-tls");
    String ca = decoded(fixture.await(Secret.class, "demo-ca"), "ca.crt");

    Instant due = START.plus(OperatorTls.SERVER_VALIDITY).minus(Duration.ofDays(20));
    clock.set(due);
    // Any reconcile after the renewal point issues the successor; a spec edit brings one at once.
    fixture.edit(
        "demo",
        spec -> {
          PodTemplateOverrides overrides = new PodTemplateOverrides();
          overrides.setLabels(Map.of("touched", "yes"));
          spec.setPodTemplate(overrides);
        });

    Secret rotated =
        await()
            .atMost(ClusterFixture.WAIT)
            .until(
                () -> fixture.get(Secret.class, "demo-tls"),
                s -> !decoded(s, "tls.crt").equals(decoded(first, "tls.crt")));
    assertThat(serverCertificate(rotated).getNotAfter().toInstant())
        .isEqualTo(due.plus(OperatorTls.SERVER_VALIDITY));
    assertThat(decoded(rotated, "ca.crt")).isEqualTo(ca);
    assertThat(decoded(fixture.get(Secret.class, "demo-ca"), "ca.crt")).isEqualTo(ca);
    await()
        .atMost(ClusterFixture.WAIT)
        .until(
            () -> fixture.fetch("demo").getStatus().getTls().getNotAfter(),
            notAfter -> notAfter.equals(due.plus(OperatorTls.SERVER_VALIDITY).toString()));
  }

  @Test
  void tlsTurnedOffMeansPlaintextServersAndNoCertificate() {
    fixture.create(
        "plain",
        spec -> {
          TlsSpec tls = new TlsSpec();
          tls.setEnabled(false);
          spec.setTls(tls);
        });

    var condition =
        fixture.awaitCondition(
            "plain", ConditionTypes.TLS_READY, "False", ConditionReasons.TLS_DISABLED);
    assertThat(condition.getMessage()).contains("spec.tls.enabled is false");
    Deployment deployment = fixture.deployment("plain");
    assertThat(env(deployment)).doesNotContainKeys("ACCORD_TLS_CERT_FILE", "ACCORD_TLS_KEY_FILE");
    assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
        .noneMatch(v -> v.getName().equals("tls"));
    assertThat(fixture.get(Secret.class, "plain-tls")).isNull();
    assertThat(fixture.get(Secret.class, "plain-ca")).isNull();
    assertThat(fixture.get(ConfigMap.class, "plain-ca")).isNull();
    assertThat(fixture.fetch("plain").getStatus().getTls()).isNull();
  }
}
