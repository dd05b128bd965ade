package dev.accord.operator;

import static dev.accord.operator.ConditionReasons.INVALID_BACKEND;
import static dev.accord.operator.ConditionReasons.SECRET_KEY_MISSING;
import static dev.accord.operator.ConditionReasons.SECRET_NOT_FOUND;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.AccordClusterSpec;
import dev.accord.crd.v1alpha1.ExternalPostgres;
import dev.accord.crd.v1alpha1.PostgresSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one reconcile of a cluster works from, computed once before the dependents run (they only
 * read it): the effective settings with defaults applied, how the server reaches its database, what
 * is wrong with that, and the hash of the server's effective configuration.
 *
 * @param backendProblem null when the database settings are usable, otherwise what to fix
 * @param cloudNativePg the CloudNativePG Cluster as seen, when the backend is one (else null)
 */
public record ClusterModel(
    AccordCluster cluster,
    String image,
    int port,
    int replicas,
    Backend backend,
    List<EnvVar> backendEnv,
    Problem backendProblem,
    CloudNativePgCluster cloudNativePg,
    String configHash) {

  /** Where the database is. */
  public enum Backend {
    EXTERNAL(PostgresSpec.BACKEND_EXTERNAL),
    MANAGED(PostgresSpec.BACKEND_MANAGED),
    CLOUD_NATIVE_PG(PostgresSpec.BACKEND_CLOUD_NATIVE_PG),
    INVALID("invalid");

    private final String statusName;

    Backend(String statusName) {
      this.statusName = statusName;
    }

    /** The name in status.backend. */
    public String statusName() {
      return statusName;
    }
  }

  /** Something the user must fix, as a condition reason and message. */
  public record Problem(String reason, String message) {}

  public static final String CONTEXT_KEY = "accord.dev/cluster-model";
  public static final int DEFAULT_PORT = 7475;
  public static final int DEFAULT_REPLICAS = 1;

  public static ClusterModel from(Context<AccordCluster> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(CONTEXT_KEY, ClusterModel.class);
  }

  /**
   * @param databaseSecret the Secret the spec names for an external database, or CloudNativePG's
   *     application Secret of the Cluster it names, when it exists
   * @param cloudNativePg the CloudNativePG Cluster the spec names, as seen (empty when it names
   *     none)
   * @param currentConfigHash the running Deployment's hash: kept while the Secret is unusable, so a
   *     missing Secret does not roll the servers into pods that cannot start
   */
  public static ClusterModel of(
      AccordCluster cluster,
      String defaultImage,
      Optional<Secret> databaseSecret,
      Optional<CloudNativePgCluster> cloudNativePg,
      Optional<String> currentConfigHash) {
    AccordClusterSpec spec = cluster.getSpec();
    String image =
        spec.getImage() != null && !spec.getImage().isBlank() ? spec.getImage() : defaultImage;
    int port = spec.getPort() != null ? spec.getPort() : DEFAULT_PORT;
    int replicas = spec.getReplicas() != null ? spec.getReplicas() : DEFAULT_REPLICAS;
    PostgresSpec postgres = spec.getPostgres();
    boolean external = postgres != null && postgres.getExternal() != null;
    boolean managed = postgres != null && postgres.getManaged() != null;
    boolean cnpg = postgres != null && postgres.getCloudNativePG() != null;

    Backend backend;
    List<EnvVar> env = new ArrayList<>();
    Problem problem = null;
    String secretDigest = "";
    if ((external ? 1 : 0) + (managed ? 1 : 0) + (cnpg ? 1 : 0) != 1) {
      backend = Backend.INVALID;
      problem =
          new Problem(
              INVALID_BACKEND,
              "set exactly one of spec.postgres.external, spec.postgres.managed or"
                  + " spec.postgres.cloudNativePG");
    } else if (cnpg && cloudNativePg.isEmpty()) {
      backend = Backend.INVALID;
      problem =
          new Problem(
              INVALID_BACKEND,
              "set spec.postgres.cloudNativePG.cluster to the name of a CloudNativePG Cluster");
    } else if (cnpg) {
      backend = Backend.CLOUD_NATIVE_PG;
      CloudNativePgBackend.Settings settings =
          CloudNativePgBackend.of(cluster, cloudNativePg.get(), databaseSecret);
      env.addAll(settings.env());
      problem = settings.problem();
      secretDigest = settings.secretDigest();
    } else if (managed) {
      backend = Backend.MANAGED;
      env.add(plain("ACCORD_BACKEND", "postgres"));
      env.add(plain("PGHOST", AccordResources.postgres(cluster)));
      env.add(plain("PGPORT", Integer.toString(AccordResources.POSTGRES_PORT)));
      env.add(plain("PGDATABASE", AccordResources.POSTGRES_DATABASE));
      env.add(plain("PGUSER", AccordResources.POSTGRES_USER));
      env.add(
          fromSecret(
              "PGPASSWORD",
              AccordResources.postgres(cluster),
              AccordResources.POSTGRES_PASSWORD_KEY,
              false));
    } else {
      backend = Backend.EXTERNAL;
      ExternalPostgres ref = postgres.getExternal();
      String secretName = ref.getSecretName();
      String urlKey = ref.getUrlKey();
      if (urlKey != null && !urlKey.isBlank()) {
        env.add(fromSecret("ACCORD_BACKEND", secretName, urlKey, false));
      } else {
        env.add(plain("ACCORD_BACKEND", "postgres"));
        env.add(fromSecret("PGHOST", secretName, ExternalPostgres.KEY_HOST, false));
        env.add(fromSecret("PGPORT", secretName, ExternalPostgres.KEY_PORT, true));
        env.add(fromSecret("PGDATABASE", secretName, ExternalPostgres.KEY_DATABASE, false));
        env.add(fromSecret("PGUSER", secretName, ExternalPostgres.KEY_USER, false));
        env.add(fromSecret("PGPASSWORD", secretName, ExternalPostgres.KEY_PASSWORD, false));
        env.add(fromSecret("PGSSLMODE", secretName, ExternalPostgres.KEY_SSLMODE, true));
      }
      List<String> needed =
          urlKey != null && !urlKey.isBlank() ? List.of(urlKey) : ExternalPostgres.REQUIRED_KEYS;
      if (secretName == null || secretName.isBlank()) {
        problem =
            new Problem(
                INVALID_BACKEND,
                "set spec.postgres.external.secretName to the Secret that holds "
                    + "the database settings");
      } else if (databaseSecret.isEmpty()) {
        problem =
            new Problem(
                SECRET_NOT_FOUND,
                "Secret "
                    + secretName
                    + " not found in namespace "
                    + cluster.getMetadata().getNamespace()
                    + ": create it with "
                    + (needed.size() == 1
                        ? "key " + needed.get(0) + " (a postgres:// URL)"
                        : "keys " + String.join(", ", needed)));
      } else {
        Map<String, String> data = secretData(databaseSecret.get());
        List<String> missing = needed.stream().filter(key -> !data.containsKey(key)).toList();
        if (!missing.isEmpty()) {
          problem =
              new Problem(
                  SECRET_KEY_MISSING,
                  "Secret "
                      + secretName
                      + " lacks key"
                      + (missing.size() == 1 ? " " : "s ")
                      + String.join(", ", missing)
                      + (urlKey == null || urlKey.isBlank()
                          ? " (or set spec.postgres.external.urlKey to a key holding a "
                              + "postgres:// URL)"
                          : ""));
        }
        secretDigest = digest(new TreeMap<>(data).toString());
      }
    }

    String hash;
    if (problem != null && currentConfigHash.isPresent()) {
      hash = currentConfigHash.get();
    } else {
      hash =
          digest(
                  String.join(
                      "\n",
                      image,
                      Integer.toString(port),
                      Serialization.asJson(spec.getResources()),
                      Serialization.asJson(spec.getPodTemplate()),
                      Serialization.asJson(env),
                      secretDigest))
              .substring(0, 16);
    }
    return new ClusterModel(
        cluster,
        image,
        port,
        replicas,
        backend,
        List.copyOf(env),
        problem,
        backend == Backend.CLOUD_NATIVE_PG ? cloudNativePg.get() : null,
        hash);
  }

  static Map<String, String> secretData(Secret secret) {
    Map<String, String> data = new TreeMap<>();
    if (secret.getData() != null) {
      data.putAll(secret.getData());
    }
    if (secret.getStringData() != null) {
      data.putAll(secret.getStringData());
    }
    return data;
  }

  static EnvVar plain(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  /** The value stays in the Secret: the pod references it, nothing copies it. */
  static EnvVar fromSecret(String name, String secret, String key, boolean optional) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .withOptional(optional ? true : null)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  static String digest(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
