package dev.accord.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.certs.CertificateAuthority;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The CA in its Secret, against Fabric8's mock API server. */
@EnableKubernetesMockClient(crud = true)
class WebhookCaSecretTest {
  static final String NAMESPACE = "accord-system";

  KubernetesClient client;

  Secret caSecret() {
    return client.secrets().inNamespace(NAMESPACE).withName(WebhookCaSecret.NAME).get();
  }

  static String decoded(Secret secret, String key) {
    return new String(
        Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.US_ASCII);
  }

  @Test
  void theCaIsCreatedOnceAsPemInTheSecretAndReusedAfterwards() throws Exception {
    AtomicInteger made = new AtomicInteger();
    CertificateAuthority first =
        new WebhookCaSecret(client, NAMESPACE)
            .loadOrCreate(
                () -> {
                  made.incrementAndGet();
                  return WebhookCertificates.newAuthority(Clock.systemUTC());
                });

    Secret secret = caSecret();
    assertThat(secret).isNotNull();
    assertThat(secret.getType()).isEqualTo("Opaque");
    assertThat(secret.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "webhook")
        .doesNotContainKey("accord.dev/object");
    assertThat(secret.getData()).containsOnlyKeys("ca.crt", "ca.key");
    assertThat(decoded(secret, "ca.crt"))
        .startsWith("-----BEGIN CERTIFICATE-----")
        .isEqualTo(first.certificatePem());
    assertThat(decoded(secret, "ca.key")).startsWith("-----BEGIN PRIVATE KEY-----");

    CertificateAuthority second =
        new WebhookCaSecret(client, NAMESPACE)
            .loadOrCreate(
                () -> {
                  made.incrementAndGet();
                  return WebhookCertificates.newAuthority(Clock.systemUTC());
                });

    assertThat(made).hasValue(1);
    assertThat(second.sameAs(first)).isTrue();
    assertThat(second.privateKey().getEncoded()).isEqualTo(first.privateKey().getEncoded());
    assertThat(caSecret().getMetadata().getResourceVersion())
        .isEqualTo(secret.getMetadata().getResourceVersion());
  }

  @Test
  void whenAnotherReplicaCreatesTheSecretFirstItsCaIsUsed() {
    CertificateAuthority winner = WebhookCertificates.newAuthority(Clock.systemUTC());

    // The other replica creates the Secret between this one's read (none) and its create: 409, read
    // again.
    CertificateAuthority used =
        new WebhookCaSecret(client, NAMESPACE)
            .loadOrCreate(
                () -> {
                  client
                      .secrets()
                      .inNamespace(NAMESPACE)
                      .resource(WebhookCaSecret.secret(NAMESPACE, winner))
                      .create();
                  return WebhookCertificates.newAuthority(Clock.systemUTC());
                });

    assertThat(used.sameAs(winner)).isTrue();
    assertThat(decoded(caSecret(), "ca.crt")).isEqualTo(winner.certificatePem());
  }

  @Test
  void anUnusableSecretIsReportedAndNeverOverwritten() {
    CertificateAuthority one = WebhookCertificates.newAuthority(Clock.systemUTC());
    CertificateAuthority other = WebhookCertificates.newAuthority(Clock.systemUTC());
    Secret mismatched = WebhookCaSecret.secret(NAMESPACE, one);
    mismatched
        .getData()
        .put("ca.key", WebhookCaSecret.secret(NAMESPACE, other).getData().get("ca.key"));
    client.secrets().inNamespace(NAMESPACE).resource(mismatched).create();
    String version = caSecret().getMetadata().getResourceVersion();

    assertThatThrownBy(() -> new WebhookCaSecret(client, NAMESPACE).loadOrCreate(Clock.systemUTC()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "Secret accord-system/accord-operator-webhook-ca: ca.key is not the key of ca.crt");
    assertThat(caSecret().getMetadata().getResourceVersion()).as("left alone").isEqualTo(version);

    client
        .secrets()
        .inNamespace(NAMESPACE)
        .withName(WebhookCaSecret.NAME)
        .edit(
            s ->
                new SecretBuilder(s)
                    .withData(
                        Map.of("ca.crt", Base64.getEncoder().encodeToString("junk".getBytes())))
                    .build());
    assertThatThrownBy(() -> new WebhookCaSecret(client, NAMESPACE).loadOrCreate(Clock.systemUTC()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has no ca.key");
    assertThat(caSecret().getData()).as("left alone").containsOnlyKeys("ca.crt");
  }
}
