package dev.accord.operator;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator process's settings, from its environment.
 *
 * @param namespaces the namespaces to watch; empty: all
 * @param serverImage the server image of clusters that do not name one
 * @param leaseNamespace where the leader-election Lease lives; null: no leader election (one
 *     replica only)
 * @param identity this replica's name in the Lease
 * @param healthPort the port of /healthz and /readyz
 */
public record OperatorSettings(
    Set<String> namespaces,
    String serverImage,
    String leaseNamespace,
    String identity,
    int healthPort) {
  public static final String LEASE_NAME = "accord-operator";

  /**
   * Reads {@code ACCORD_OPERATOR_NAMESPACES} (comma-separated; empty: all), {@code
   * ACCORD_SERVER_IMAGE}, {@code POD_NAMESPACE} and {@code POD_NAME} (leader election, on when
   * POD_NAMESPACE is set, unless {@code ACCORD_OPERATOR_LEADER_ELECTION=false}), {@code
   * ACCORD_OPERATOR_HEALTH_PORT} (default 8080).
   *
   * @throws IllegalArgumentException naming the variable that is malformed
   */
  public static OperatorSettings fromEnvironment(Map<String, String> env, String version) {
    Set<String> namespaces =
        Arrays.stream(env.getOrDefault("ACCORD_OPERATOR_NAMESPACES", "").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    String image = env.getOrDefault("ACCORD_SERVER_IMAGE", "");
    if (image.isBlank()) {
      image = "accord/accord-server:" + version;
    }
    boolean election =
        !"false".equalsIgnoreCase(env.getOrDefault("ACCORD_OPERATOR_LEADER_ELECTION", "true"));
    String leaseNamespace = election ? blankToNull(env.get("POD_NAMESPACE")) : null;
    String identity = env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", "accord-operator"));
    String port = env.getOrDefault("ACCORD_OPERATOR_HEALTH_PORT", "8080");
    int healthPort;
    try {
      healthPort = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "ACCORD_OPERATOR_HEALTH_PORT must be a port number, got \"" + port + "\"");
    }
    return new OperatorSettings(namespaces, image, leaseNamespace, identity, healthPort);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
