package dev.accord.client;

import static dev.accord.client.AccordClient.ENV_NAMESPACE;
import static dev.accord.client.AccordClient.ENV_OWNER;
import static dev.accord.client.AccordClient.ENV_TARGET;
import static dev.accord.client.AccordClient.ENV_TLS_CA_FILE;
import static dev.accord.client.AccordClient.ENV_TLS_CERT_FILE;
import static dev.accord.client.AccordClient.ENV_TLS_KEY_FILE;
import static dev.accord.client.AccordClient.ENV_TOKEN_FILE;
import static dev.accord.client.AccordClient.ENV_TTL;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The client's settings as environment variables, the form the operator injects into worker pods.
 * Each value is checked by the builder setting it goes to, told the variable's name, so an error
 * names the variable.
 */
final class ClientEnvironment {
  private static final String HOSTNAME = "HOSTNAME";

  private ClientEnvironment() {}

  /**
   * A builder configured from {@code env}.
   *
   * @throws IllegalArgumentException naming the variable that is missing or malformed and the
   *     expected form
   */
  static AccordClient.Builder read(Map<String, String> env) {
    AccordClient.Builder builder = AccordClient.builder();
    server(env, builder);
    identity(env, builder);
    leases(env, builder);
    credentials(env, builder);
    return builder;
  }

  /**
   * The owner a client has unless told otherwise: this host's name (a pod's name), else a random
   * UUID.
   */
  static String defaultOwner() {
    return nonEmpty(System.getenv(), HOSTNAME).orElseGet(() -> UUID.randomUUID().toString());
  }

  /** Which server to reach, and how. */
  private static void server(Map<String, String> env, AccordClient.Builder builder) {
    String target = env.get(ENV_TARGET);
    if (target == null || target.isBlank()) {
      throw new IllegalArgumentException(
          ENV_TARGET
              + " is not set: it must name the Accord server as a gRPC "
              + "target, e.g. dns:///accord.default.svc:7475 or localhost:7475");
    }
    Settings.target(target, ENV_TARGET);
    builder.target(target);
    tls(env, builder);
  }

  /** TLS: a CA to trust, a client certificate to present; either turns TLS on. */
  private static void tls(Map<String, String> env, AccordClient.Builder builder) {
    nonEmpty(env, ENV_TLS_CA_FILE)
        .ifPresent(file -> builder.tlsTrust(Path.of(file), ENV_TLS_CA_FILE));
    Optional<String> cert = nonEmpty(env, ENV_TLS_CERT_FILE);
    Optional<String> key = nonEmpty(env, ENV_TLS_KEY_FILE);
    if (cert.isPresent() || key.isPresent()) {
      builder.tlsClientCertificate(
          cert.map(Path::of).orElse(null),
          ENV_TLS_CERT_FILE,
          key.map(Path::of).orElse(null),
          ENV_TLS_KEY_FILE);
    }
  }

  /** Whose leases these are, and in which namespace. */
  private static void identity(Map<String, String> env, AccordClient.Builder builder) {
    String namespace = env.get(ENV_NAMESPACE);
    if (namespace != null) {
      builder.namespace(Settings.namespace(namespace, ENV_NAMESPACE));
    }
    Optional<String> owner = nonEmpty(env, ENV_OWNER);
    if (owner.isPresent()) {
      builder.owner(Settings.owner(owner.get(), ENV_OWNER));
    } else {
      nonEmpty(env, HOSTNAME)
          .ifPresent(hostname -> builder.owner(Settings.owner(hostname, HOSTNAME)));
    }
  }

  /** How long a lease lasts. */
  private static void leases(Map<String, String> env, AccordClient.Builder builder) {
    nonEmpty(env, ENV_TTL)
        .ifPresent(ttl -> builder.ttl(Settings.ttl(Durations.parse(ENV_TTL, ttl), ENV_TTL)));
  }

  /** How the client proves who it is. */
  private static void credentials(Map<String, String> env, AccordClient.Builder builder) {
    nonEmpty(env, ENV_TOKEN_FILE)
        .ifPresent(file -> builder.tokenFile(Path.of(file), ENV_TOKEN_FILE));
  }

  /** A variable that is set to something: an empty value counts as unset. */
  private static Optional<String> nonEmpty(Map<String, String> env, String variable) {
    return Optional.ofNullable(env.get(variable)).filter(value -> !value.isEmpty());
  }
}
