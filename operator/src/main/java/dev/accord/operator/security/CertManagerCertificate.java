package dev.accord.operator.security;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.IssuerRef;
import dev.accord.operator.AccordResources;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cert-manager {@code Certificate} of a cluster whose spec.tls names an issuer, handled as a
 * generic resource so that the operator needs no cert-manager library and starts where cert-manager
 * is not installed (a managed dependent would need an informer on a type that may not exist).
 */
public final class CertManagerCertificate {
  public static final String CRD = "certificates.cert-manager.io";
  public static final String API_VERSION = "cert-manager.io/v1";
  public static final String KIND = "Certificate";
  static final String OBJECT = "certificate";

  private CertManagerCertificate() {}

  /** What cert-manager has done for a cluster, read once per reconcile. */
  public record State(boolean installed, boolean ready, String message, Optional<Secret> secret) {
    public static State notInstalled() {
      return new State(false, false, null, Optional.empty());
    }
  }

  /** Whether cert-manager is installed, its Certificate's readiness, and its Secret. */
  public static State read(KubernetesClient client, AccordCluster cluster) {
    if (client.apiextensions().v1().customResourceDefinitions().withName(CRD).get() == null) {
      return State.notInstalled();
    }
    String namespace = cluster.getMetadata().getNamespace();
    GenericKubernetesResource certificate =
        client
            .genericKubernetesResources(API_VERSION, KIND)
            .inNamespace(namespace)
            .withName(AccordResources.serverDeployment(cluster))
            .get();
    boolean ready = false;
    String message = "waiting for cert-manager to issue the certificate";
    if (certificate != null) {
      Object status = certificate.getAdditionalProperties().get("status");
      if (status instanceof Map<?, ?> map && map.get("conditions") instanceof List<?> conditions) {
        for (Object condition : conditions) {
          if (condition instanceof Map<?, ?> c && "Ready".equals(c.get("type"))) {
            ready = "True".equals(c.get("status"));
            if (c.get("message") != null) {
              message = String.valueOf(c.get("message"));
            }
          }
        }
      }
    }
    Secret secret =
        client
            .secrets()
            .inNamespace(namespace)
            .withName(AccordResources.certManagerTls(cluster))
            .get();
    return new State(true, ready, message, Optional.ofNullable(secret));
  }

  /** The Certificate for the servers' DNS names, from the issuer spec.tls.issuerRef names. */
  public static GenericKubernetesResource desired(AccordCluster cluster) {
    IssuerRef issuer = cluster.getSpec().getTls().getIssuerRef();
    Map<String, Object> issuerRef = new LinkedHashMap<>();
    issuerRef.put("name", issuer.getName());
    issuerRef.put("kind", issuer.getKind() == null ? IssuerRef.ISSUER : issuer.getKind());
    issuerRef.put(
        "group", issuer.getGroup() == null ? IssuerRef.CERT_MANAGER_GROUP : issuer.getGroup());
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("secretName", AccordResources.certManagerTls(cluster));
    spec.put("dnsNames", AccordResources.serverDnsNames(cluster));
    spec.put("usages", List.of("server auth", "digital signature", "key encipherment"));
    spec.put("issuerRef", issuerRef);
    spec.put(
        "secretTemplate",
        Map.of(
            "labels",
            AccordResources.labels(cluster, AccordResources.COMPONENT_SERVER, "cert-manager-tls")));
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(API_VERSION)
        .withKind(KIND)
        .withNewMetadata()
        .withName(AccordResources.serverDeployment(cluster))
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(AccordResources.labels(cluster, AccordResources.COMPONENT_SERVER, OBJECT))
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(cluster.getApiVersion())
                .withKind(cluster.getKind())
                .withName(cluster.getMetadata().getName())
                .withUid(cluster.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
  }

  /** Creates the Certificate, or updates it to {@link #desired} when it differs. */
  public static void apply(KubernetesClient client, AccordCluster cluster) {
    GenericKubernetesResource desired = desired(cluster);
    GenericKubernetesResource existing =
        client
            .genericKubernetesResources(API_VERSION, KIND)
            .inNamespace(cluster.getMetadata().getNamespace())
            .withName(desired.getMetadata().getName())
            .get();
    if (existing != null
        && desired
            .getAdditionalProperties()
            .get("spec")
            .equals(existing.getAdditionalProperties().get("spec"))) {
      return;
    }
    client
        .genericKubernetesResources(API_VERSION, KIND)
        .resource(desired)
        .createOr(NonDeletingOperation::update);
  }
}
