package dev.accord.operator;

import static dev.accord.operator.ConditionReasons.CNPG_CLUSTER_NOT_FOUND;
import static dev.accord.operator.ConditionReasons.CNPG_NOT_INSTALLED;
import static dev.accord.operator.ConditionReasons.CNPG_SECRET_MISSING;
import static dev.accord.operator.ConditionReasons.SECRET_KEY_MISSING;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.CloudNativePgPostgres;
import dev.accord.operator.ClusterModel.Problem;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How the servers reach a CloudNativePG Cluster: from its application Secret, referenced by the pod
 * and never copied. CloudNativePG writes that Secret as {@code <cluster>-app} with the keys {@code
 * uri}, {@code host}, {@code port}, {@code dbname}, {@code user} and {@code password} among others
 * (cloudnative-pg.io/documentation, "Connecting from an application", Secrets): the servers take
 * its {@code uri} when it has one, otherwise the separate keys as libpq variables.
 */
final class CloudNativePgBackend {
  private CloudNativePgBackend() {}

  /**
   * The server's variables, what blocks them (null when nothing does), and a digest of the Secret
   * so that a rotated password rolls the servers.
   */
  record Settings(List<EnvVar> env, Problem problem, String secretDigest) {}

  static Settings of(AccordCluster accord, CloudNativePgCluster pg, Optional<Secret> appSecret) {
    String namespace = accord.getMetadata().getNamespace();
    String secretName = CloudNativePgPostgres.appSecretName(pg.name());
    Map<String, String> data = appSecret.map(ClusterModel::secretData).orElseGet(TreeMap::new);
    boolean uri = appSecret.isEmpty() || data.containsKey(CloudNativePgPostgres.KEY_URI);
    List<EnvVar> env = uri ? uriEnv(secretName) : keyedEnv(secretName);
    String digest = appSecret.isPresent() ? ClusterModel.digest(data.toString()) : "";

    Problem problem = null;
    if (!pg.installed()) {
      problem =
          new Problem(
              CNPG_NOT_INSTALLED,
              "spec.postgres.cloudNativePG names Cluster "
                  + pg.name()
                  + " but CloudNativePG is not installed (no CRD "
                  + CloudNativePgCluster.CRD
                  + "): install CloudNativePG, or choose spec.postgres.external or managed");
    } else if (pg.resource().isEmpty()) {
      problem =
          new Problem(
              CNPG_CLUSTER_NOT_FOUND,
              "CloudNativePG Cluster "
                  + pg.name()
                  + " not found in namespace "
                  + namespace
                  + ": create it there, or fix spec.postgres.cloudNativePG.cluster");
    } else if (appSecret.isEmpty()) {
      problem =
          new Problem(
              CNPG_SECRET_MISSING,
              "Secret "
                  + secretName
                  + " not found in namespace "
                  + namespace
                  + ": CloudNativePG writes it when it bootstraps Cluster "
                  + pg.name()
                  + " with its default application owner; for a Cluster bootstrapped with a"
                  + " Secret of your own, use spec.postgres.external with that Secret");
    } else if (!uri) {
      List<String> missing =
          CloudNativePgPostgres.REQUIRED_KEYS.stream()
              .filter(key -> !data.containsKey(key))
              .toList();
      if (!missing.isEmpty()) {
        problem =
            new Problem(
                SECRET_KEY_MISSING,
                "Secret "
                    + secretName
                    + " has no key "
                    + CloudNativePgPostgres.KEY_URI
                    + " and lacks key"
                    + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing));
      }
    }
    return new Settings(env, problem, digest);
  }

  private static List<EnvVar> uriEnv(String secret) {
    return List.of(
        ClusterModel.fromSecret("ACCORD_BACKEND", secret, CloudNativePgPostgres.KEY_URI, false));
  }

  private static List<EnvVar> keyedEnv(String secret) {
    return List.of(
        ClusterModel.plain("ACCORD_BACKEND", "postgres"),
        ClusterModel.fromSecret("PGHOST", secret, CloudNativePgPostgres.KEY_HOST, false),
        ClusterModel.fromSecret("PGPORT", secret, CloudNativePgPostgres.KEY_PORT, true),
        ClusterModel.fromSecret("PGDATABASE", secret, CloudNativePgPostgres.KEY_DBNAME, false),
        ClusterModel.fromSecret("PGUSER", secret, CloudNativePgPostgres.KEY_USER, false),
        ClusterModel.fromSecret("PGPASSWORD", secret, CloudNativePgPostgres.KEY_PASSWORD, false));
  }
}
