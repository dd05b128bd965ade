package dev.accord.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.operator.webhook.WebhookCertificates.Authority;
import dev.accord.operator.webhook.WebhookCertificates.BundleSync;
import dev.accord.operator.webhook.WebhookCertificates.Serving;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The CA, its Secret, serving certificates and the caBundle, against Fabric8's mock API server. */
@EnableKubernetesMockClient(crud = true)
class WebhookCertificatesTest {
  static final String NAMESPACE = "accord-system";

  KubernetesClient client;

  Secret caSecret() {
    return client.secrets().inNamespace(NAMESPACE).withName(WebhookCertificates.CA_SECRET).get();
  }

  static String decoded(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.US_ASCII);
  }

  @Test
  void theCaIsCreatedOnceAsPemInTheSecretAndReusedAfterwards() throws Exception {
    AtomicInteger made = new AtomicInteger();
    Authority first = WebhookCertificates.loadOrCreateAuthority(client, NAMESPACE, () -> {
      made.incrementAndGet();
      return WebhookCertificates.newAuthority(Clock.systemUTC());
    });

    Secret secret = caSecret();
    assertThat(secret).isNotNull();
    assertThat(secret.getType()).isEqualTo("Opaque");
    assertThat(secret.getMetadata().getLabels()).containsEntry("app.kubernetes.io/component", "webhook")
        .doesNotContainKey("accord.dev/object");
    assertThat(secret.getData()).containsOnlyKeys("ca.crt", "ca.key");
    assertThat(decoded(secret, "ca.crt")).startsWith("-----BEGIN CERTIFICATE-----")
        .isEqualTo(first.certificatePem());
    assertThat(decoded(secret, "ca.key")).startsWith("-----BEGIN PRIVATE KEY-----");

    Authority second = WebhookCertificates.loadOrCreateAuthority(client, NAMESPACE, () -> {
      made.incrementAndGet();
      return WebhookCertificates.newAuthority(Clock.systemUTC());
    });

    assertThat(made).hasValue(1);
    assertThat(second.sameAs(first)).isTrue();
    assertThat(second.privateKey().getEncoded()).isEqualTo(first.privateKey().getEncoded());
    assertThat(caSecret().getMetadata().getResourceVersion()).isEqualTo(secret.getMetadata().getResourceVersion());
  }

  @Test
  void whenAnotherReplicaCreatesTheSecretFirstItsCaIsUsed() {
    Authority winner = WebhookCertificates.newAuthority(Clock.systemUTC());

    // The other replica creates the Secret between this one's read (none) and its create: 409, read again.
    Authority used = WebhookCertificates.loadOrCreateAuthority(client, NAMESPACE, () -> {
      client.secrets().inNamespace(NAMESPACE).resource(WebhookCertificates.authoritySecret(NAMESPACE, winner))
          .create();
      return WebhookCertificates.newAuthority(Clock.systemUTC());
    });

    assertThat(used.sameAs(winner)).isTrue();
    assertThat(decoded(caSecret(), "ca.crt")).isEqualTo(winner.certificatePem());
  }

  @Test
  void anUnusableSecretIsReportedAndNeverOverwritten() {
    Authority one = WebhookCertificates.newAuthority(Clock.systemUTC());
    Authority other = WebhookCertificates.newAuthority(Clock.systemUTC());
    Secret mismatched = WebhookCertificates.authoritySecret(NAMESPACE, one);
    mismatched.getData().put("ca.key", WebhookCertificates.authoritySecret(NAMESPACE, other).getData()
        .get("ca.key"));
    client.secrets().inNamespace(NAMESPACE).resource(mismatched).create();
    String version = caSecret().getMetadata().getResourceVersion();

    assertThatThrownBy(() -> WebhookCertificates.loadOrCreateAuthority(client, NAMESPACE, Clock.systemUTC()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Secret accord-system/accord-operator-webhook-ca: ca.key is not the key of ca.crt");
    assertThat(caSecret().getMetadata().getResourceVersion()).as("left alone").isEqualTo(version);

    client.secrets().inNamespace(NAMESPACE).withName(WebhookCertificates.CA_SECRET).edit(s ->
        new SecretBuilder(s).withData(Map.of("ca.crt", Base64.getEncoder().encodeToString("junk".getBytes())))
            .build());
    assertThatThrownBy(() -> WebhookCertificates.loadOrCreateAuthority(client, NAMESPACE, Clock.systemUTC()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has no ca.key");
    assertThat(caSecret().getData()).as("left alone").containsOnlyKeys("ca.crt");
  }

  @Test
  void theCaIsAnEcCaForTenYearsThatSignsOnlyLeafCertificates() {
    Instant now = Instant.parse("2026-11-29T00:00:00Z");
    Authority ca = WebhookCertificates.newAuthority(Clock.fixed(now, java.time.ZoneOffset.UTC));
    X509Certificate certificate = ca.certificate();

    assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(certificate.getBasicConstraints()).isZero(); // a CA, path length 0
    assertThat(certificate.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(3650)));
    assertThat(certificate.getNotBefore().toInstant()).isBefore(now);
    assertThat(certificate.getSubjectX500Principal()).isEqualTo(certificate.getIssuerX500Principal());
  }

  @Test
  void servingCertificatesNameTheServiceAndExtrasAndVerifyWithTheCa() throws Exception {
    Instant now = Instant.parse("2026-11-29T00:00:00Z");
    Clock clock = Clock.fixed(now, java.time.ZoneOffset.UTC);
    Authority ca = WebhookCertificates.newAuthority(clock);
    List<String> names = new ArrayList<>(WebhookCertificates.serviceNames(NAMESPACE));
    names.addAll(List.of("localhost", "127.0.0.1"));

    Serving serving = WebhookCertificates.issueServing(ca, names, clock, Duration.ofDays(365));
    X509Certificate certificate = serving.certificate();

    certificate.verify(ca.certificate().getPublicKey());
    assertThat(certificate.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(subjectAlternativeNames(certificate)).containsExactly(
        "accord-operator-webhook", "accord-operator-webhook.accord-system",
        "accord-operator-webhook.accord-system.svc", "accord-operator-webhook.accord-system.svc.cluster.local",
        "localhost", "127.0.0.1");
    assertThat(certificate.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(365)));
    assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=accord-operator-webhook.accord-system.svc");

    // Never valid beyond its CA.
    Serving late = WebhookCertificates.issueServing(ca, names, Clock.fixed(now.plus(Duration.ofDays(3600)),
        java.time.ZoneOffset.UTC), Duration.ofDays(365));
    assertThat(late.certificate().getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
  }

  static List<String> subjectAlternativeNames(X509Certificate certificate) throws CertificateParsingException {
    List<String> names = new ArrayList<>();
    certificate.getSubjectAlternativeNames().forEach(entry -> names.add(String.valueOf(entry.get(1))));
    return names;
  }

  static MutatingWebhookConfiguration configuration(String... caBundles) {
    MutatingWebhookConfigurationBuilder builder = new MutatingWebhookConfigurationBuilder()
        .withNewMetadata().withName(WebhookCertificates.WEBHOOK_CONFIGURATION).endMetadata();
    for (int i = 0; i < caBundles.length; i++) {
      builder.addNewWebhook().withName("hook" + i + ".accord.dev")
          .withNewClientConfig().withCaBundle(caBundles[i]).withNewService().withNamespace(NAMESPACE)
          .withName(WebhookCertificates.SERVICE).withPath("/mutate-pods").withPort(443).endService()
          .endClientConfig()
          .withSideEffects("None").withAdmissionReviewVersions("v1").withFailurePolicy("Ignore").endWebhook();
    }
    return builder.build();
  }

  @Test
  void theCaBundleIsSetOnWebhooksThatLackItOrDifferAndLeftAloneOtherwise() {
    Authority ca = WebhookCertificates.newAuthority(Clock.systemUTC());
    String bundle = WebhookCertificates.caBundle(ca);
    assertThat(new String(Base64.getDecoder().decode(bundle), StandardCharsets.US_ASCII))
        .isEqualTo(ca.certificatePem());

    assertThat(WebhookCertificates.syncCaBundle(client, ca)).isEqualTo(BundleSync.NO_CONFIGURATION);
    assertThat(client.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems()).isEmpty();

    client.resource(configuration(null, "c3RhbGU=", bundle)).create();
    assertThat(WebhookCertificates.syncCaBundle(client, ca)).isEqualTo(BundleSync.PATCHED);
    MutatingWebhookConfiguration synced = client.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName(WebhookCertificates.WEBHOOK_CONFIGURATION).get();
    assertThat(synced.getWebhooks()).extracting(w -> w.getClientConfig().getCaBundle())
        .containsExactly(bundle, bundle, bundle);
    assertThat(synced.getWebhooks()).extracting(MutatingWebhook::getName)
        .containsExactly("hook0.accord.dev", "hook1.accord.dev", "hook2.accord.dev");
    assertThat(synced.getWebhooks().get(0).getClientConfig().getService().getPath()).isEqualTo("/mutate-pods");

    assertThat(WebhookCertificates.syncCaBundle(client, ca)).isEqualTo(BundleSync.UP_TO_DATE);
    assertThat(client.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName(WebhookCertificates.WEBHOOK_CONFIGURATION).get().getMetadata().getResourceVersion())
        .isEqualTo(synced.getMetadata().getResourceVersion());
  }
}
