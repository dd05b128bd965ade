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
import static dev.accord.operator.webhook.WebhookFixtures.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accord.certs.CertificateAuthority;
import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.metrics.WebhookAdmissions;
import dev.accord.operator.webhook.WebhookFixtures.MutableClock;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The webhook over real HTTPS, its certificates across restarts, and its upkeep, on Fabric8's mock
 * API server.
 */
@EnableKubernetesMockClient(crud = true)
class WebhookServerTest {
  static final String NAMESPACE = "accord-system";
  static final List<String> LOCAL = List.of("localhost", "127.0.0.1");

  KubernetesClient client;
  KubernetesMockServer server;

  // ---------------------------------------------------------------------------------------------------------------
  // Helpers

  /** The requests the API server got since the last call, as "METHOD path". */
  List<String> requestsSinceLastCall() throws InterruptedException {
    List<String> seen = new ArrayList<>();
    for (RecordedRequest request = server.takeRequest(10, TimeUnit.MILLISECONDS);
        request != null;
        request = server.takeRequest(10, TimeUnit.MILLISECONDS)) {
      seen.add(request.getMethod() + " " + request.getPath());
    }
    return seen;
  }

  static List<String> writes(List<String> requests) {
    return requests.stream().filter(r -> !r.startsWith("GET ")).toList();
  }

  Secret caSecret() {
    return client.secrets().inNamespace(NAMESPACE).withName(WebhookCaSecret.NAME).get();
  }

  /**
   * The CA certificate as the Secret holds it: what a client that trusts "the operator's CA" has.
   */
  X509Certificate caFromSecret() throws Exception {
    byte[] pem = Base64.getDecoder().decode(caSecret().getData().get("ca.crt"));
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new java.io.ByteArrayInputStream(pem));
  }

  /** TLS that trusts only {@code ca} (not the JDK's default authorities). */
  static SSLContext trustingOnly(X509Certificate ca) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", ca);
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    return tls;
  }

  static HttpResponse<String> send(SSLContext tls, String method, String url, String body)
      throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(tls)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json");
    request =
        body == null
            ? request.method(method, HttpRequest.BodyPublishers.noBody())
            : request.method(method, HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String url(WebhookServer server, String host) {
    return "https://" + host + ":" + server.port() + WebhookServer.PATH + "?timeout=5s";
  }

  static String annotatedPod() {
    return pod(annotations("accord.dev/cluster", "accord"), array(container("worker")), null);
  }

  MutatingWebhookConfiguration configuration() {
    return client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName(CaBundleSync.CONFIGURATION)
        .get();
  }

  /** Applies manifests/operator/mutating-webhook.yaml, as kubectl apply would. */
  void applyWebhookManifest() throws IOException {
    Path file =
        Paths.get(System.getProperty("accord.manifests"), "operator", "mutating-webhook.yaml");
    try (InputStream in = Files.newInputStream(file)) {
      List<HasMetadata> items = client.load(in).items();
      assertThat(items).hasSize(1);
      client.resource(items.get(0)).create();
    }
    assertThat(configuration().getWebhooks())
        .allMatch(w -> w.getClientConfig().getCaBundle() == null);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // HTTPS

  @Test
  void answersOverHttpsToAClientThatTrustsOnlyTheCaInTheSecret() throws Exception {
    AccordCluster cluster = readyCluster("jobs", "accord", "5m");
    client.resource(cluster).create();
    assertThat(
            client
                .resources(AccordCluster.class)
                .inNamespace("jobs")
                .withName("accord")
                .get()
                .getStatus()
                .getEndpoint())
        .as("the mock keeps the status")
        .isEqualTo(WebhookFixtures.ENDPOINT);
    // TLS and auth are on by default: the pod mounts the CA the operator keeps beside the cluster.
    client
        .configMaps()
        .inNamespace("jobs")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("accord-ca")
                .withNamespace("jobs")
                .endMetadata()
                .addToData("ca.crt", "-----BEGIN CERTIFICATE-----\n...")
                .build())
        .create();

    try (WebhookServer server = WebhookServer.start(client, NAMESPACE, 0, LOCAL)) {
      assertThat(server.port()).isPositive();
      SSLContext tls = trustingOnly(caFromSecret());
      String pod = annotatedPod();

      for (String host : LOCAL) {
        HttpResponse<String> response =
            send(tls, "POST", url(server, host), review("uid-" + host, "jobs", pod));

        assertThat(response.statusCode()).as("status from %s", host).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
            .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        X509Certificate served =
            (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertThat(served).isEqualTo(server.servingCertificate());
        JsonNode wire =
            WebhookFixtures.wire(
                PodInjector.SERIALIZATION.unmarshal(
                    response.body(),
                    io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview.class),
                "uid-" + host);
        // The cluster was read from the API server: its endpoint and TTL are injected, and the
        // credentials: a token for the audience accord.dev and the CA, in one projected volume.
        Pod injected = apply(pod, patch(wire));
        assertThat(env(injected.getSpec().getContainers().get(0)))
            .containsExactly(
                "ACCORD_TARGET=" + WebhookFixtures.ENDPOINT,
                "ACCORD_OWNER<-metadata.name",
                "ACCORD_TTL=5m",
                "ACCORD_TOKEN_FILE=/var/run/secrets/accord.dev/token",
                "ACCORD_TLS_CA_FILE=/var/run/secrets/accord.dev/ca.crt");
        var sources = injected.getSpec().getVolumes().get(0).getProjected().getSources();
        assertThat(sources.get(0).getServiceAccountToken().getAudience()).isEqualTo("accord.dev");
        assertThat(sources.get(1).getConfigMap().getName()).isEqualTo("accord-ca");
      }

      // A cluster the API server does not have: allowed, with a warning, unchanged.
      String other =
          pod(annotations("accord.dev/cluster", "jobs/missing"), array(container("worker")), null);
      JsonNode missing =
          tree(send(tls, "POST", url(server, "localhost"), review("uid-3", "web", other)).body());
      assertThat(missing.path("response").path("allowed").asBoolean()).isTrue();
      assertThat(missing.path("response").has("patch")).isFalse();
      assertThat(missing.path("response").path("warnings").get(0).asText())
          .isEqualTo(
              "accord.dev/cluster: AccordCluster jobs/missing not found; the pod starts without Accord settings");
    }
  }

  @Test
  void aClientThatDoesNotTrustTheCaFailsTheHandshake() throws Exception {
    try (WebhookServer server = WebhookServer.start(client, NAMESPACE, 0, LOCAL)) {
      SSLContext stranger =
          trustingOnly(WebhookCertificates.newAuthority(Clock.systemUTC()).certificate());

      assertThatThrownBy(
              () ->
                  send(
                      stranger,
                      "POST",
                      url(server, "localhost"),
                      review("u", "jobs", annotatedPod())))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void whatIsNotAnAdmissionReviewGets400AndOtherRequestsAreRefused() throws Exception {
    try (WebhookServer server = WebhookServer.start(client, NAMESPACE, 0, LOCAL)) {
      SSLContext tls = trustingOnly(caFromSecret());
      String url = url(server, "localhost");

      HttpResponse<String> notJson = send(tls, "POST", url, "hello");
      assertThat(notJson.statusCode()).isEqualTo(400);
      assertThat(notJson.body())
          .startsWith("the body is not an AdmissionReview (admission.k8s.io/v1)");

      HttpResponse<String> noRequest =
          send(
              tls,
              "POST",
              url,
              "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}");
      assertThat(noRequest.statusCode()).isEqualTo(400);
      assertThat(noRequest.body()).contains("no request");

      HttpResponse<String> noUid = send(tls, "POST", url, review("", "jobs", annotatedPod()));
      assertThat(noUid.statusCode()).isEqualTo(400);
      assertThat(noUid.body()).contains("no request.uid");

      HttpResponse<String> pod = send(tls, "POST", url, annotatedPod());
      assertThat(pod.statusCode()).isEqualTo(400);
      assertThat(pod.body()).contains("kind is Pod");

      HttpResponse<String> get = send(tls, "GET", url, null);
      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(get.headers().firstValue("Allow")).hasValue("POST");

      HttpResponse<String> elsewhere =
          send(
              tls,
              "POST",
              "https://localhost:" + server.port() + "/validate",
              review("u", "jobs", annotatedPod()));
      assertThat(elsewhere.statusCode()).isEqualTo(404);

      // And it still answers properly afterwards.
      assertThat(send(tls, "POST", url, review("u", "jobs", annotatedPod())).statusCode())
          .isEqualTo(200);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Certificates across restarts, and the caBundle

  @Test
  void anUnusableCaSecretFailsTheStartAndIsLeftAlone() {
    Secret junk =
        WebhookCaSecret.secret(NAMESPACE, WebhookCertificates.newAuthority(Clock.systemUTC()));
    junk.getData().remove("ca.key");
    client.resource(junk).create();

    assertThatThrownBy(() -> WebhookServer.start(client, NAMESPACE, 0, LOCAL))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Secret accord-system/accord-operator-webhook-ca has no ca.key (delete the Secret, or write a "
                + "valid CA into it, and restart the operator)");
    assertThat(caSecret().getData()).containsOnlyKeys("ca.crt");
  }

  @Test
  void theCaSurvivesARestartAndTheNewServingCertificateVerifiesWithIt() throws Exception {
    X509Certificate firstServing;
    String firstCa;
    Secret before;
    try (WebhookServer first = WebhookServer.start(client, NAMESPACE, 0, LOCAL)) {
      before = caSecret();
      firstCa = first.caCertificatePem();
      firstServing = first.servingCertificate();
      assertThat(
              send(
                      trustingOnly(caFromSecret()),
                      "POST",
                      url(first, "localhost"),
                      review("u", "jobs", annotatedPod()))
                  .statusCode())
          .isEqualTo(200);
      first.close(); // and again by try-with-resources: harmless
    }
    assertThat(writes(requestsSinceLastCall()))
        .as("the first start created the Secret")
        .containsExactly("POST /api/v1/namespaces/accord-system/secrets");

    try (WebhookServer second = WebhookServer.start(client, NAMESPACE, 0, LOCAL)) {
      List<String> requests = requestsSinceLastCall();
      assertThat(requests)
          .as("the second start read the Secret")
          .contains("GET /api/v1/namespaces/accord-system/secrets/accord-operator-webhook-ca");
      assertThat(writes(requests)).as("and wrote nothing").isEmpty();
      Secret after = caSecret();
      assertThat(after.getMetadata().getResourceVersion())
          .as("the Secret is not written again")
          .isEqualTo(before.getMetadata().getResourceVersion());
      assertThat(after.getData()).isEqualTo(before.getData());
      assertThat(second.caCertificatePem()).isEqualTo(firstCa);

      X509Certificate serving = second.servingCertificate();
      assertThat(serving.getSerialNumber())
          .as("a new serving certificate")
          .isNotEqualTo(firstServing.getSerialNumber());
      assertThat(serving.getPublicKey()).isNotEqualTo(firstServing.getPublicKey());
      serving.verify(caFromSecret().getPublicKey());
      HttpResponse<String> response =
          send(
              trustingOnly(caFromSecret()),
              "POST",
              url(second, "127.0.0.1"),
              review("u", "jobs", annotatedPod()));
      assertThat(response.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theCaBundleIsSetAtStartAndASecondStartWritesNothing() throws Exception {
    applyWebhookManifest();

    String version;
    try (WebhookServer first = WebhookServer.start(client, NAMESPACE, 0, LOCAL)) {
      MutatingWebhookConfiguration configured = configuration();
      String bundle =
          Base64.getEncoder()
              .encodeToString(first.caCertificatePem().getBytes(StandardCharsets.US_ASCII));
      assertThat(configured.getWebhooks())
          .extracting(w -> w.getClientConfig().getCaBundle())
          .containsExactly(bundle);
      assertThat(new String(Base64.getDecoder().decode(bundle), StandardCharsets.US_ASCII))
          .isEqualTo(
              new String(
                  Base64.getDecoder().decode(caSecret().getData().get("ca.crt")),
                  StandardCharsets.US_ASCII));
      // Everything else as the manifest has it.
      MutatingWebhook webhook = configured.getWebhooks().get(0);
      assertThat(webhook.getClientConfig().getService().getName())
          .isEqualTo(WebhookCertificates.SERVICE);
      assertThat(webhook.getFailurePolicy()).isEqualTo("Ignore");
      version = configured.getMetadata().getResourceVersion();
      assertThat(writes(requestsSinceLastCall()))
          .as("the first start's writes")
          .contains(
              "PATCH /apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/accord-operator");
    }

    requestsSinceLastCall();

    try (WebhookServer second = WebhookServer.start(client, NAMESPACE, 0, LOCAL)) {
      second.maintain();
      List<String> requests = requestsSinceLastCall();
      assertThat(requests)
          .as("the second start and its upkeep read the configuration")
          .contains(
              "GET /apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/accord-operator");
      assertThat(writes(requests)).as("and wrote nothing").isEmpty();
      assertThat(configuration().getMetadata().getResourceVersion()).isEqualTo(version);
    }
  }

  @Test
  void aConfigurationThatAppearsOrLosesItsCaBundleLaterIsSetByTheUpkeep() throws Exception {
    try (WebhookServer server = WebhookServer.start(client, NAMESPACE, 0, LOCAL)) {
      assertThat(configuration()).isNull();

      applyWebhookManifest();
      server.maintain();
      String bundle = configuration().getWebhooks().get(0).getClientConfig().getCaBundle();
      assertThat(bundle)
          .isEqualTo(
              CaBundleSync.caBundle(
                  new WebhookCaSecret(client, NAMESPACE).read().orElseThrow().certificate()));

      // Deleted and re-applied from the file (no caBundle): set again.
      client.resource(configuration()).delete();
      applyWebhookManifest();
      server.maintain();
      assertThat(configuration().getWebhooks().get(0).getClientConfig().getCaBundle())
          .isEqualTo(bundle);
    }
  }

  @Test
  void theUpkeepRunsOnItsOwnAtTheConfiguredInterval() throws Exception {
    try (WebhookServer server =
        WebhookServer.start(
            client,
            NAMESPACE,
            0,
            LOCAL,
            Clock.systemUTC(),
            Duration.ofMillis(100),
            WebhookCertificates.SERVING_VALIDITY,
            new PodInjector(PodInjector.lookupWith(client)),
            new WebhookAdmissions(new SimpleMeterRegistry()))) {
      applyWebhookManifest();

      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> configuration().getWebhooks().get(0).getClientConfig().getCaBundle() != null);
      assertThat(configuration().getWebhooks().get(0).getClientConfig().getCaBundle())
          .isEqualTo(
              Base64.getEncoder()
                  .encodeToString(server.caCertificatePem().getBytes(StandardCharsets.US_ASCII)));
    }
  }

  @Test
  void aCaWrittenIntoTheSecretIsAdoptedAndADeletedSecretIsPutBackWithTheCaInUse() throws Exception {
    applyWebhookManifest();
    try (WebhookServer server = WebhookServer.start(client, NAMESPACE, 0, LOCAL)) {
      String original = server.caCertificatePem();

      // Deleted: put back with the same CA (so the replicas never disagree), nothing else changes.
      client.secrets().inNamespace(NAMESPACE).withName(WebhookCaSecret.NAME).delete();
      server.maintain();
      assertThat(caSecret()).isNotNull();
      assertThat(server.caCertificatePem()).isEqualTo(original);
      assertThat(new WebhookCaSecret(client, NAMESPACE).read().orElseThrow().certificatePem())
          .isEqualTo(original);

      // Rotated by hand: the new CA is adopted, signs a new serving certificate, and goes into the
      // caBundle.
      CertificateAuthority rotated = WebhookCertificates.newAuthority(Clock.systemUTC());
      client
          .secrets()
          .inNamespace(NAMESPACE)
          .withName(WebhookCaSecret.NAME)
          .edit(s -> WebhookCaSecret.secret(NAMESPACE, rotated));
      server.maintain();
      assertThat(server.caCertificatePem()).isEqualTo(rotated.certificatePem());
      server.servingCertificate().verify(rotated.certificate().getPublicKey());
      assertThat(configuration().getWebhooks().get(0).getClientConfig().getCaBundle())
          .isEqualTo(CaBundleSync.caBundle(rotated.certificate()));
      assertThat(
              send(
                      trustingOnly(rotated.certificate()),
                      "POST",
                      url(server, "localhost"),
                      review("u", "jobs", annotatedPod()))
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void theServingCertificateIsRenewedWhenAThirdOfItsValidityIsLeft() throws Exception {
    // The client checks certificates against the real time: the test clock starts 25 days in the
    // past, so that
    // both the first certificate (30 days) and the renewed one are valid now.
    Instant now = Instant.now();
    MutableClock clock = new MutableClock(now.minus(Duration.ofDays(25)));
    try (WebhookServer server =
        WebhookServer.start(
            client,
            NAMESPACE,
            0,
            LOCAL,
            clock,
            Duration.ofHours(1),
            Duration.ofDays(30),
            new PodInjector((namespace, name) -> null),
            new WebhookAdmissions(new SimpleMeterRegistry()))) {
      X509Certificate first = server.servingCertificate();
      assertThat(served(server)).isEqualTo(first);

      clock.set(now.minus(Duration.ofDays(20))); // 25 of 30 days left
      server.maintain();
      assertThat(server.servingCertificate()).isEqualTo(first);

      clock.set(now); // 5 days left: renewed
      server.maintain();
      X509Certificate renewed = server.servingCertificate();
      assertThat(renewed.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
      assertThat(renewed.getNotAfter().toInstant()).isAfter(first.getNotAfter().toInstant());
      renewed.verify(caFromSecret().getPublicKey());
      assertThat(served(server))
          .as("new handshakes get the renewed certificate")
          .isEqualTo(renewed);
    }
  }

  /** The certificate a fresh TLS client (no session to resume) is served. */
  X509Certificate served(WebhookServer server) throws Exception {
    HttpResponse<String> response =
        send(
            trustingOnly(caFromSecret()),
            "POST",
            url(server, "localhost"),
            review("u", "jobs", annotatedPod()));
    assertThat(response.statusCode()).isEqualTo(200);
    return (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
  }
}
