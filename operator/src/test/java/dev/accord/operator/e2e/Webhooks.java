package dev.accord.operator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.accord.operator.webhook.WebhookServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The API server's side of the webhook, for the end-to-end test: send a pod for admission, apply
 * the patch.
 */
final class Webhooks {
  static final String OPERATOR_NAMESPACE = "accord-system";

  private Webhooks() {}

  static WebhookServer start(KubernetesClient client) throws Exception {
    return WebhookServer.start(client, OPERATOR_NAMESPACE, 0, List.of("localhost", "127.0.0.1"));
  }

  /**
   * Sends {@code pod} through the webhook over HTTPS, trusting only the CA the operator keeps in
   * its Secret (what the API server trusts through the caBundle), applies the JSONPatch it answers,
   * and returns the pod as the API server would store it.
   */
  static Pod inject(AutoCloseable webhook, Pod pod) throws Exception {
    WebhookServer server = (WebhookServer) webhook;
    AdmissionReview review =
        new AdmissionReviewBuilder()
            .withApiVersion("admission.k8s.io/v1")
            .withKind("AdmissionReview")
            .withNewRequest()
            .withUid(UUID.randomUUID().toString())
            .withNewKind("", "Pod", "v1")
            .withNewResource("", "pods", "v1")
            .withNamespace(pod.getMetadata().getNamespace())
            .withOperation("CREATE")
            .withObject(pod)
            .endRequest()
            .build();
    HttpClient http =
        HttpClient.newBuilder().sslContext(trusting(server.caCertificatePem())).build();
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.port() + WebhookServer.PATH))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Serialization.asJson(review)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new AssertionError("webhook answered " + answer.statusCode() + ": " + answer.body());
    }
    AdmissionReview response = Serialization.unmarshal(answer.body(), AdmissionReview.class);
    if (!Boolean.TRUE.equals(response.getResponse().getAllowed())
        || response.getResponse().getPatch() == null) {
      throw new AssertionError("no patch: " + answer.body());
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode patch = json.readTree(Base64.getDecoder().decode(response.getResponse().getPatch()));
    JsonNode patched = apply(json.valueToTree(json.readTree(Serialization.asJson(pod))), patch);
    return Serialization.unmarshal(patched.toString(), Pod.class);
  }

  /** Applies the "add" operations the webhook emits (RFC 6902, the subset needed here). */
  private static JsonNode apply(JsonNode document, JsonNode patch) {
    for (JsonNode operation : patch) {
      if (!"add".equals(operation.get("op").asText())) {
        throw new AssertionError("unexpected patch operation " + operation);
      }
      String[] path = operation.get("path").asText().substring(1).split("/");
      JsonNode parent = document;
      for (int i = 0; i < path.length - 1; i++) {
        parent = parent.isArray() ? parent.get(Integer.parseInt(path[i])) : parent.get(path[i]);
      }
      String last = path[path.length - 1];
      if (parent.isArray()) {
        ((ArrayNode) parent).add(operation.get("value"));
      } else {
        ((ObjectNode) parent).set(last, operation.get("value"));
      }
    }
    return document;
  }

  private static SSLContext trusting(String caPem) throws Exception {
    X509Certificate ca =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)));
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("accord-webhook-ca", ca);
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  /** The CA certificate as the operator stored it, for checks that it is the one served. */
  static String storedCa(KubernetesClient client) {
    Secret secret =
        client
            .secrets()
            .inNamespace(OPERATOR_NAMESPACE)
            .withName("accord-operator-webhook-ca")
            .get();
    return new String(
        Base64.getDecoder().decode(secret.getData().get("ca.crt")), StandardCharsets.US_ASCII);
  }
}
