package dev.accord.operator;

import static dev.accord.operator.ClusterFixture.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.accord.certs.CertificateAuthority;
import dev.accord.certs.CertificateRequest;
import dev.accord.certs.IssuedCertificate;
import dev.accord.crd.v1alpha1.AccordClusterSpec;
import dev.accord.crd.v1alpha1.ConditionTypes;
import dev.accord.crd.v1alpha1.IssuerRef;
import dev.accord.crd.v1alpha1.TlsSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TLS from a cert-manager issuer (spec.tls.issuerRef): the Certificate the operator asks for, the
 * Secret the servers mount, and what the status says while cert-manager is missing or working.
 * cert-manager itself is played by the test: it writes the Secret and the Ready condition.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterCertManagerTlsTest {
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

  static void issuedBy(AccordClusterSpec spec, String kind) {
    IssuerRef issuer = new IssuerRef();
    issuer.setName("team-ca");
    issuer.setKind(kind);
    TlsSpec tls = new TlsSpec();
    tls.setIssuerRef(issuer);
    spec.setTls(tls);
  }

  /** cert-manager's Certificate CRD, as installing cert-manager creates it. */
  void installCertManager() {
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("certificates.cert-manager.io")
                .endMetadata()
                .withNewSpec()
                .withGroup("cert-manager.io")
                .withScope("Namespaced")
                .withNewNames()
                .withKind("Certificate")
                .withPlural("certificates")
                .withSingular("certificate")
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .endVersion()
                .endSpec()
                .build())
        .create();
  }

  GenericKubernetesResource certificate(String name) {
    return client
        .genericKubernetesResources("cert-manager.io/v1", "Certificate")
        .inNamespace(ClusterFixture.NS)
        .withName(name)
        .get();
  }

  static String encoded(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** What cert-manager does once the issuer signed: the Secret, then Ready=True. */
  IssuedCertificate issue(String cluster, List<String> names) {
    CertificateAuthority ca = CertificateAuthority.create("team-ca", Duration.ofDays(365), clock);
    IssuedCertificate issued =
        ca.issue(CertificateRequest.server(names, Duration.ofDays(60)), clock);
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(cluster + "-cert-manager-tls")
                .withNamespace(ClusterFixture.NS)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(
                    Map.of(
                        "tls.crt", encoded(issued.certificatePem()),
                        "tls.key", encoded(issued.privateKeyPem()),
                        "ca.crt", encoded(ca.certificatePem())))
                .build())
        .create();
    GenericKubernetesResource certificate = certificate(cluster + "-server");
    certificate
        .getAdditionalProperties()
        .put(
            "status",
            Map.of(
                "conditions",
                List.of(
                    Map.of(
                        "type",
                        "Ready",
                        "status",
                        "True",
                        "message",
                        "Certificate is up to date"))));
    client.resource(certificate).update();
    return issued;
  }

  @Test
  void withCertManagerACertificateForBothServicesIsRequestedAndItsSecretMounted() {
    installCertManager();
    fixture.create("demo", spec -> issuedBy(spec, IssuerRef.CLUSTER_ISSUER));

    GenericKubernetesResource certificate =
        ClusterFixture.awaitThat(() -> certificate("demo-server"), "Certificate demo-server");
    @SuppressWarnings("unchecked")
    Map<String, Object> spec =
        (Map<String, Object>) certificate.getAdditionalProperties().get("spec");
    assertThat(spec.get("secretName")).isEqualTo("demo-cert-manager-tls");
    assertThat(spec.get("issuerRef"))
        .isEqualTo(Map.of("name", "team-ca", "kind", "ClusterIssuer", "group", "cert-manager.io"));
    @SuppressWarnings("unchecked")
    List<String> dnsNames = (List<String>) spec.get("dnsNames");
    assertThat(dnsNames)
        .containsExactlyInAnyOrder(
            "demo",
            "demo.jobs",
            "demo.jobs.svc",
            "demo.jobs.svc.cluster.local",
            "demo-headless",
            "demo-headless.jobs",
            "demo-headless.jobs.svc",
            "demo-headless.jobs.svc.cluster.local");
    assertThat(certificate.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("demo"));

    // Until cert-manager has issued it, the status says so; the operator issues nothing itself.
    var pending =
        fixture.awaitCondition(
            "demo", ConditionTypes.TLS_READY, "False", ConditionReasons.CERTIFICATE_PENDING);
    assertThat(pending.getMessage()).contains("demo-server").contains("not ready");
    assertThat(fixture.get(Secret.class, "demo-ca")).isNull();
    assertThat(fixture.get(Secret.class, "demo-tls")).isNull();

    IssuedCertificate issued = issue("demo", dnsNames);

    // cert-manager's progress brings no event: the operator looks again by itself.
    var ready =
        fixture.awaitCondition(
            "demo", ConditionTypes.TLS_READY, "True", ConditionReasons.CERTIFICATE_READY);
    assertThat(ready.getMessage()).contains("demo-cert-manager-tls");
    var tls = fixture.fetch("demo").getStatus().getTls();
    assertThat(tls.getSecretName()).isEqualTo("demo-cert-manager-tls");
    assertThat(Instant.parse(tls.getNotAfter()))
        .isEqualTo(issued.certificate().getNotAfter().toInstant());
    Deployment deployment = fixture.deployment("demo");
    assertThat(env(deployment).get("ACCORD_TLS_CERT_FILE").getValue())
        .isEqualTo("/var/run/accord/tls/tls.crt");
    assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("tls");
              assertThat(v.getSecret().getSecretName()).isEqualTo("demo-cert-manager-tls");
            });
    // Injected clients trust the issuer's CA, from the Secret cert-manager wrote.
    ConfigMap bundle = fixture.await(ConfigMap.class, "demo-ca");
    assertThat(bundle.getData().get("ca.crt"))
        .isEqualTo(
            ClusterFixture.decoded(fixture.get(Secret.class, "demo-cert-manager-tls"), "ca.crt"));
  }

  @Test
  void anIssuerWithoutCertManagerInstalledIsAClearProblem() {
    fixture.create("demo", spec -> issuedBy(spec, IssuerRef.ISSUER));

    var condition =
        fixture.awaitCondition(
            "demo", ConditionTypes.TLS_READY, "False", ConditionReasons.CERT_MANAGER_NOT_INSTALLED);
    assertThat(condition.getMessage())
        .isEqualTo(
            "spec.tls.issuerRef names a cert-manager issuer, but the CRD"
                + " certificates.cert-manager.io does not exist: install cert-manager, or remove"
                + " spec.tls.issuerRef to let the operator issue the certificate");
    fixture.awaitCondition(
        "demo", ConditionTypes.DEGRADED, "True", ConditionReasons.CERT_MANAGER_NOT_INSTALLED);
    var readyCondition = fixture.condition("demo", ConditionTypes.READY).orElseThrow();
    assertThat(readyCondition.getStatus()).isEqualTo("False");
    assertThat(readyCondition.getReason()).isEqualTo(ConditionReasons.CERT_MANAGER_NOT_INSTALLED);
    assertThat(fixture.get(Secret.class, "demo-tls"))
        .as("no silent fallback to the operator's own CA")
        .isNull();
  }

  @Test
  void movingFromTheOperatorsCaToCertManagerDropsTheOperatorsSecrets() {
    installCertManager();
    fixture.create("demo", spec -> {});
    fixture.await(Secret.class, "demo-tls");
    fixture.await(Secret.class, "demo-ca");

    fixture.edit("demo", spec -> issuedBy(spec, IssuerRef.ISSUER));

    ClusterFixture.awaitThat(() -> certificate("demo-server"), "Certificate demo-server");
    await()
        .atMost(ClusterFixture.WAIT)
        .until(
            () ->
                fixture.get(Secret.class, "demo-tls") == null
                    && fixture.get(Secret.class, "demo-ca") == null);
  }
}
