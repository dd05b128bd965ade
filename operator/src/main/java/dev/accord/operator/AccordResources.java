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

  public static String postgres(AccordCluster cluster) {
    return cluster.getMetadata().getName() + "-postgres";
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
