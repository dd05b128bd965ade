package dev.accord.operator;

import static dev.accord.operator.Manifests.NAMESPACE;
import static dev.accord.operator.Manifests.OPERATOR;
import static dev.accord.operator.Manifests.allResources;
import static dev.accord.operator.Manifests.ofKind;
import static dev.accord.operator.Manifests.single;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.operator.webhook.CaBundleSync;
import dev.accord.operator.webhook.WebhookCertificates;
import dev.accord.operator.webhook.WebhookServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pod webhook in {@code manifests/} can never block pods, and reaches the operator. */
@EnableKubernetesMockClient(crud = true)
class WebhookManifestTest {
  static final String WEBHOOK_CONFIGURATION = "accord-operator";
  static final String WEBHOOK_SERVICE = "accord-operator-webhook";
  static final int WEBHOOK_PORT = 9443;

  /** Injected by the mock server extension (a fresh CRUD server for each test). */
  KubernetesClient client;

  @Test
  void declaredWebhookCannotBlockPodsAndReachesTheOperator() throws IOException {
    assertSafeWebhook(allResources(client), "the manifests");
  }

  static void assertSafeWebhook(List<HasMetadata> items, String source) {
    assertThat(CaBundleSync.CONFIGURATION)
        .as("the configuration the operator keeps the caBundle of")
        .isEqualTo(WEBHOOK_CONFIGURATION);
    assertThat(WebhookCertificates.SERVICE)
        .as("the Service the operator's certificate names")
        .isEqualTo(WEBHOOK_SERVICE);
    assertThat(ofKind(items, MutatingWebhookConfiguration.class))
        .as("%s: MutatingWebhookConfigurations (only the operator's)", source)
        .hasSize(1);
    MutatingWebhookConfiguration configuration =
        single(items, MutatingWebhookConfiguration.class, WEBHOOK_CONFIGURATION, source);
    String what = source + ": MutatingWebhookConfiguration " + WEBHOOK_CONFIGURATION;
    assertThat(configuration.getWebhooks()).as("%s webhooks", what).hasSize(1);
    MutatingWebhook webhook = configuration.getWebhooks().get(0);
    what = what + " webhook " + webhook.getName();
    assertThat(webhook.getName()).as("%s name", what).isEqualTo("pods.accord.dev");

    // Never block: a webhook that is down, slow or refusing must not stop pods from being created.
    assertThat(webhook.getFailurePolicy())
        .as("%s failurePolicy (a webhook that is down must not block pods)", what)
        .isEqualTo("Ignore");
    assertThat(webhook.getSideEffects()).as("%s sideEffects", what).isEqualTo("None");
    assertThat(webhook.getTimeoutSeconds())
        .as("%s timeoutSeconds", what)
        .isNotNull()
        .isBetween(1, 10);
    assertThat(webhook.getReinvocationPolicy())
        .as("%s reinvocationPolicy", what)
        .isEqualTo("Never");
    assertThat(webhook.getAdmissionReviewVersions())
        .as("%s admissionReviewVersions", what)
        .containsExactly("v1");
    // Only opted-in namespaces: never kube-system, never the operator's own namespace unless
    // someone labels it.
    assertThat(webhook.getNamespaceSelector())
        .as("%s namespaceSelector (only opted-in namespaces)", what)
        .isNotNull();
    assertThat(webhook.getNamespaceSelector().getMatchLabels())
        .as("%s namespaceSelector.matchLabels", what)
        .containsExactlyEntriesOf(Map.of("accord.dev/injection", "enabled"));
    assertThat(webhook.getRules()).as("%s rules", what).hasSize(1);
    RuleWithOperations rule = webhook.getRules().get(0);
    assertThat(rule.getOperations()).as("%s rule operations", what).containsExactly("CREATE");
    assertThat(rule.getApiGroups()).as("%s rule apiGroups", what).containsExactly("");
    assertThat(rule.getApiVersions()).as("%s rule apiVersions", what).containsExactly("v1");
    assertThat(rule.getResources())
        .as("%s rule resources (pods, no subresources)", what)
        .containsExactly("pods");
    assertThat(rule.getScope()).as("%s rule scope", what).isEqualTo("Namespaced");

    // Reaches the operator: the Service, its port, the path the server answers on; the caBundle is
    // the operator's.
    assertThat(webhook.getClientConfig()).as("%s clientConfig", what).isNotNull();
    assertThat(webhook.getClientConfig().getUrl())
        .as("%s clientConfig.url (the Service is used)", what)
        .isNull();
    assertThat(webhook.getClientConfig().getCaBundle())
        .as(
            "%s clientConfig.caBundle (the operator writes it; one here would be overwritten)",
            what)
        .isNull();
    ServiceReference reference = webhook.getClientConfig().getService();
    assertThat(reference).as("%s clientConfig.service", what).isNotNull();
    assertThat(reference.getNamespace())
        .as("%s clientConfig.service.namespace", what)
        .isEqualTo(NAMESPACE);
    assertThat(reference.getName())
        .as("%s clientConfig.service.name", what)
        .isEqualTo(WEBHOOK_SERVICE);
    assertThat(reference.getPath())
        .as("%s clientConfig.service.path", what)
        .isEqualTo(WebhookServer.PATH);
    assertThat(reference.getPort()).as("%s clientConfig.service.port", what).isEqualTo(443);

    Service service = single(items, Service.class, WEBHOOK_SERVICE, source);
    String serviceWhat = source + ": Service " + WEBHOOK_SERVICE;
    assertThat(service.getMetadata().getNamespace())
        .as("%s namespace", serviceWhat)
        .isEqualTo(NAMESPACE);
    assertThat(service.getSpec().getPorts()).as("%s ports", serviceWhat).hasSize(1);
    ServicePort port = service.getSpec().getPorts().get(0);
    assertThat(port.getPort()).as("%s port", serviceWhat).isEqualTo(443);
    assertThat(port.getTargetPort().getIntVal())
        .as("%s targetPort", serviceWhat)
        .isEqualTo(WEBHOOK_PORT);

    Deployment deployment = single(items, Deployment.class, OPERATOR, source);
    assertThat(service.getSpec().getSelector()).as("%s selector", serviceWhat).isNotEmpty();
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .as("%s selector must select the operator's pods", serviceWhat)
        .containsAllEntriesOf(service.getSpec().getSelector());
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getPorts())
        .as("%s: Deployment %s ports", source, OPERATOR)
        .anyMatch(
            p ->
                "webhook".equals(p.getName())
                    && Integer.valueOf(WEBHOOK_PORT).equals(p.getContainerPort()));
    assertThat(container.getEnv())
        .as("%s: Deployment %s environment", source, OPERATOR)
        .anyMatch(
            e ->
                "ACCORD_WEBHOOK_PORT".equals(e.getName())
                    && String.valueOf(WEBHOOK_PORT).equals(e.getValue()));
  }
}
