package dev.accord.operator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.accord.operator.webhook.WebhookCertificates;
import dev.accord.operator.webhook.WebhookServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The API server's side of the webhook, for the end-to-end test: send a pod for admission, apply
 * the patch.
 */
final class Webhooks {
  static final String OPERATOR_NAMESPACE = "accord-system";
  static final String SERVICE_HOST =
      WebhookCertificates.SERVICE + "." + OPERATOR_NAMESPACE + ".svc";

  /** The type of a dNSName in a certificate's subjectAltName (RFC 5280). */
  private static final Integer DNS_NAME = 2;

  private Webhooks() {}

  static WebhookServer start(KubernetesClient client) throws Exception {
    return WebhookServer.start(client, OPERATOR_NAMESPACE, 0, List.of("localhost", "127.0.0.1"));
  }

  /**
   * Sends {@code pod} through the webhook listening on {@code port} of this machine over HTTPS,
   * trusting only {@code caPem}, the CA the operator keeps in its Secret (what the API server
   * trusts through the caBundle), applies the JSONPatch it answers, and returns the pod as the API
   * server would store it.
   */
  static Pod inject(int port, String caPem, Pod pod) throws Exception {
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
    HttpClient http = HttpClient.newBuilder().sslContext(trusting(caPem)).build();
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + port + WebhookServer.PATH))
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

  /**
   * What the API server checks of the webhook's certificate: signed by the CA, and for the name it
   * calls, the webhook Service's ({@value #SERVICE_HOST}). The webhook is reached on localhost
   * here, so the name is checked against the Service's rather than the address dialled.
   */
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
    X509TrustManager signedByCa = (X509TrustManager) factory.getTrustManagers()[0];
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new ServiceNameTrust(signedByCa)}, null);
    return context;
  }

  /** Trusts a server certificate signed by the CA and naming {@value #SERVICE_HOST}. */
  private static final class ServiceNameTrust extends X509ExtendedTrustManager {
    private final X509TrustManager signedByCa;

    ServiceNameTrust(X509TrustManager signedByCa) {
      this.signedByCa = signedByCa;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      signedByCa.checkServerTrusted(chain, authType);
      Collection<List<?>> names = chain[0].getSubjectAlternativeNames();
      boolean forService =
          names != null
              && names.stream()
                  .anyMatch(
                      name -> DNS_NAME.equals(name.get(0)) && SERVICE_HOST.equals(name.get(1)));
      if (!forService) {
        throw new CertificateException("the webhook's certificate is not for " + SERVICE_HOST);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a client here trusts no client certificate");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return signedByCa.getAcceptedIssuers();
    }
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
