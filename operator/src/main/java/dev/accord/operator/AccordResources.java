package dev.accord.operator;

import dev.accord.crd.v1alpha1.AccordCluster;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names and labels of everything an AccordCluster owns, in one place. For a cluster NAME: the
 * client Service {@code NAME} (so clients can use {@code NAME.NAMESPACE.svc:PORT}), the headless
 * Service {@code NAME-headless}, the server Deployment and PodDisruptionBudget {@code NAME-server},
 * and for a managed database the StatefulSet, Service and Secret {@code NAME-postgres}.
 */
public final class AccordResources {
  public static final String APP = "accord";
  public static final String MANAGED_BY = "accord-operator";
  public static final String COMPONENT_SERVER = "server";
  public static final String COMPONENT_POSTGRES = "postgres";

  /** Which owned object this is; each dependent's informer watches only its own kind of object. */
  public static final String OBJECT_LABEL = "accord.dev/object";

  /** Hash of everything the server pods are configured with: a change rolls the Deployment. */
  public static final String CONFIG_HASH_ANNOTATION = "accord.dev/config-hash";

  public static final String MANAGED_BY_SELECTOR = "app.kubernetes.io/managed-by=" + MANAGED_BY;

  public static final String POSTGRES_USER = "accord";
  public static final String POSTGRES_DATABASE = "accord";
  public static final String POSTGRES_PASSWORD_KEY = "password";
  public static final int POSTGRES_PORT = 5432;

  private AccordResources() {}

  public static String clientService(AccordCluster cluster) {
    return cluster.getMetadata().getName();
  }

  public static String headlessService(AccordCluster cluster) {
    return cluster.getMetadata().getName() + "-headless";
  }

  public static String serverDeployment(AccordCluster cluster) {
    return cluster.getMetadata().getName() + "-server";
  }

  public static String disruptionBudget(AccordCluster cluster) {
    return serverDeployment(cluster);
  }

  /** The server certificate's Secret (tls.crt, tls.key, ca.crt), operator-issued. */
  public static String serverTls(AccordCluster cluster) {
    return cluster.getMetadata().getName() + "-tls";
  }

  /** The Secret cert-manager writes the server certificate into (spec.tls.issuerRef). */
  public static String certManagerTls(AccordCluster cluster) {
    return cluster.getMetadata().getName() + "-cert-manager-tls";
  }

  /**
   * The cluster's CA Secret (ca.crt, ca.key); a cert-manager Certificate is named like the servers.
   */
  public static String certificateAuthority(AccordCluster cluster) {
    return cluster.getMetadata().getName() + "-ca";
  }

  /** The ConfigMap holding the CA certificate clients trust (key ca.crt). */
  public static String caBundle(AccordCluster cluster) {
    return cluster.getMetadata().getName() + "-ca";
  }

  /** The ConfigMap holding the servers' access rules (key access.yaml). */
  public static String accessRules(AccordCluster cluster) {
    return cluster.getMetadata().getName() + "-access";
  }

  /** The servers' ServiceAccount and NetworkPolicy. */
  public static String serverAccount(AccordCluster cluster) {
    return serverDeployment(cluster);
  }

  /**
   * The ClusterRoleBinding letting the servers create TokenReviews: cluster-scoped, so its name
   * carries the cluster's namespace.
   */
  public static String tokenReviewBinding(AccordCluster cluster) {
    return "accord:" + cluster.getMetadata().getNamespace() + ":" + serverDeployment(cluster);
  }

  /**
   * Every DNS name clients may reach the servers by: both Services, short and qualified, the names
   * the server certificate carries.
   */
  public static java.util.List<String> serverDnsNames(AccordCluster cluster) {
    String namespace = cluster.getMetadata().getNamespace();
    java.util.List<String> names = new java.util.ArrayList<>();
    for (String service : java.util.List.of(clientService(cluster), headlessService(cluster))) {
      names.add(service);
      names.add(service + "." + namespace);
      names.add(service + "." + namespace + ".svc");
      names.add(service + "." + namespace + ".svc.cluster.local");
    }
    return names;
  }

  public static String postgres(AccordCluster cluster) {
    return cluster.getMetadata().getName() + "-postgres";
  }

  /** Whether {@code resource} carries {@code cluster}'s owner reference. */
  public static boolean ownedBy(
      io.fabric8.kubernetes.api.model.HasMetadata resource, AccordCluster cluster) {
    var owners = resource.getMetadata().getOwnerReferences();
    return owners != null
        && owners.stream()
            .anyMatch(o -> java.util.Objects.equals(o.getUid(), cluster.getMetadata().getUid()));
  }

  /** The labels a component's pods are selected by. */
  public static Map<String, String> selector(AccordCluster cluster, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", APP);
    labels.put("app.kubernetes.io/instance", cluster.getMetadata().getName());
    labels.put("app.kubernetes.io/component", component);
    return labels;
  }

  /** The recommended labels of an owned object, plus which object it is. */
  public static Map<String, String> labels(AccordCluster cluster, String component, String object) {
    Map<String, String> labels = selector(cluster, component);
    labels.put("app.kubernetes.io/managed-by", MANAGED_BY);
    labels.put("app.kubernetes.io/part-of", APP);
    labels.put(OBJECT_LABEL, object);
    return labels;
  }

  /** The scale subresource's selector, as a label selector string. */
  public static String selectorString(AccordCluster cluster) {
    StringBuilder selector = new StringBuilder();
    selector(cluster, COMPONENT_SERVER)
        .forEach(
            (key, value) ->
                selector
                    .append(selector.length() == 0 ? "" : ",")
                    .append(key)
                    .append('=')
                    .append(value));
    return selector.toString();
  }

  /**
   * The gRPC target clients use: DNS over the headless Service, so each client balances over every
   * replica.
   */
  public static String endpoint(AccordCluster cluster, int port) {
    return "dns:///"
        + headlessService(cluster)
        + "."
        + cluster.getMetadata().getNamespace()
        + ".svc:"
        + port;
  }
}
