package dev.accord.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.certs.CertificateAuthority;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The MutatingWebhookConfiguration's caBundle, against Fabric8's mock API server. */
@EnableKubernetesMockClient(crud = true)
class CaBundleSyncTest {
  static final String NAMESPACE = "accord-system";

  KubernetesClient client;

  static MutatingWebhookConfiguration configuration(String... caBundles) {
    MutatingWebhookConfigurationBuilder builder =
        new MutatingWebhookConfigurationBuilder()
            .withNewMetadata()
            .withName(CaBundleSync.CONFIGURATION)
            .endMetadata();
    for (int i = 0; i < caBundles.length; i++) {
      builder
          .addNewWebhook()
          .withName("hook" + i + ".accord.dev")
          .withNewClientConfig()
          .withCaBundle(caBundles[i])
          .withNewService()
          .withNamespace(NAMESPACE)
          .withName(WebhookCertificates.SERVICE)
          .withPath("/mutate-pods")
          .withPort(443)
          .endService()
          .endClientConfig()
          .withSideEffects("None")
          .withAdmissionReviewVersions("v1")
          .withFailurePolicy("Ignore")
          .endWebhook();
    }
    return builder.build();
  }

  @Test
  void theCaBundleIsSetOnWebhooksThatLackItOrDifferAndLeftAloneOtherwise() {
    CertificateAuthority ca = WebhookCertificates.newAuthority(Clock.systemUTC());
    String bundle = CaBundleSync.caBundle(ca.certificate());
    assertThat(new String(Base64.getDecoder().decode(bundle), StandardCharsets.US_ASCII))
        .isEqualTo(ca.certificatePem());

    assertThat(CaBundleSync.sync(client, ca.certificate()))
        .isEqualTo(CaBundleSync.Result.NO_CONFIGURATION);
    assertThat(
            client.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems())
        .isEmpty();

    client.resource(configuration(null, "c3RhbGU=", bundle)).create();
    assertThat(CaBundleSync.sync(client, ca.certificate())).isEqualTo(CaBundleSync.Result.PATCHED);
    MutatingWebhookConfiguration synced =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(CaBundleSync.CONFIGURATION)
            .get();
    assertThat(synced.getWebhooks())
        .extracting(w -> w.getClientConfig().getCaBundle())
        .containsExactly(bundle, bundle, bundle);
    assertThat(synced.getWebhooks())
        .extracting(MutatingWebhook::getName)
        .containsExactly("hook0.accord.dev", "hook1.accord.dev", "hook2.accord.dev");
    assertThat(synced.getWebhooks().get(0).getClientConfig().getService().getPath())
        .isEqualTo("/mutate-pods");

    assertThat(CaBundleSync.sync(client, ca.certificate()))
        .isEqualTo(CaBundleSync.Result.UP_TO_DATE);
    assertThat(
            client
                .admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .withName(CaBundleSync.CONFIGURATION)
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(synced.getMetadata().getResourceVersion());
  }
}
