package dev.accord.operator.webhook;

import dev.accord.certs.Pem;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Keeps the {@code caBundle} of every webhook of the MutatingWebhookConfiguration {@value
 * #CONFIGURATION} equal to the CA certificate: patched only when it differs, left alone while the
 * configuration does not exist.
 */
public final class CaBundleSync {
  /** The MutatingWebhookConfiguration whose caBundle the operator keeps. */
  public static final String CONFIGURATION = "accord-operator";

  /** What {@link #sync} did. */
  public enum Result {
    /** No MutatingWebhookConfiguration {@value #CONFIGURATION} (yet): nothing written. */
    NO_CONFIGURATION,
    /** Every webhook's caBundle already was the CA: nothing written. */
    UP_TO_DATE,
    /** At least one webhook's caBundle was patched. */
    PATCHED
  }

  private CaBundleSync() {}

  /** The caBundle value for a CA: its PEM certificate, base64-encoded. */
  public static String caBundle(X509Certificate caCertificate) {
    return Base64.getEncoder()
        .encodeToString(Pem.write(caCertificate).getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Makes {@code webhooks[*].clientConfig.caBundle} of {@value #CONFIGURATION} equal to the CA,
   * with one JSON patch of only the webhooks that differ (each guarded by a test of the webhook's
   * name, so a concurrent reordering fails the patch rather than misplacing it).
   *
   * @throws KubernetesClientException when the API server refuses (such as missing RBAC)
   */
  public static Result sync(KubernetesClient client, X509Certificate caCertificate) {
    var resource =
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(CONFIGURATION);
    MutatingWebhookConfiguration configuration = resource.get();
    if (configuration == null) {
      return Result.NO_CONFIGURATION;
    }
    String bundle = caBundle(caCertificate);
    List<Map<String, Object>> operations = new ArrayList<>();
    List<MutatingWebhook> webhooks =
        configuration.getWebhooks() == null ? List.of() : configuration.getWebhooks();
    for (int i = 0; i < webhooks.size(); i++) {
      MutatingWebhook webhook = webhooks.get(i);
      if (webhook.getClientConfig() == null
          || bundle.equals(webhook.getClientConfig().getCaBundle())) {
        continue;
      }
      operations.add(
          Map.of("op", "test", "path", "/webhooks/" + i + "/name", "value", webhook.getName()));
      // "add" sets a member whether or not it exists.
      operations.add(
          Map.of(
              "op", "add", "path", "/webhooks/" + i + "/clientConfig/caBundle", "value", bundle));
    }
    if (operations.isEmpty()) {
      return Result.UP_TO_DATE;
    }
    resource.patch(
        PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(operations));
    return Result.PATCHED;
  }
}
