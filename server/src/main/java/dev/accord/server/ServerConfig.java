package dev.accord.server;

import dev.accord.server.security.AuthMode;
import dev.accord.server.tls.TlsSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything a server process is told, validated: each check names the setting (flag and variable)
 * to fix.
 *
 * @param listen address and port to accept gRPC on
 * @param backend {@code embedded}, {@code memory}, {@code postgres://...} or {@code
 *     jdbc:postgresql://...}
 * @param dataDir where the embedded backend keeps its database
 * @param poolSize database connections
 * @param shutdownGrace how long in-flight calls may take to finish on shutdown
 * @param healthInterval how often the database is checked for the health service
 * @param tls the gRPC port's TLS files ({@link TlsSettings#PLAINTEXT}: none)
 * @param reflection whether server reflection is served ({@code ACCORD_REFLECTION})
 * @param accessFile the access rules (ACCORD_ACCESS_FILE); null when none is given
 * @param auth how callers prove who they are ({@code ACCORD_AUTH})
 * @param retention how long done resources are kept ({@code ACCORD_RETENTION}); empty: until
 *     deleted by hand
 */
public record ServerConfig(
    InetSocketAddress listen,
    String backend,
    Path dataDir,
    int poolSize,
    Duration shutdownGrace,
    Duration healthInterval,
    TlsSettings tls,
    boolean reflection,
    Path accessFile,
    AuthMode auth,
    Optional<Duration> retention) {
  public static final int DEFAULT_PORT = 7475;

  /** Plaintext, with reflection, without access rules. */
  public ServerConfig(
      InetSocketAddress listen,
      String backend,
      Path dataDir,
      int poolSize,
      Duration shutdownGrace,
      Duration healthInterval) {
    this(
        listen,
        backend,
        dataDir,
        poolSize,
        shutdownGrace,
        healthInterval,
        TlsSettings.PLAINTEXT,
        true,
        null,
        new AuthMode.None(),
        Optional.empty());
  }

  /**
   * Whether callers are authenticated: {@code ACCORD_AUTH} tokens or kubernetes, or client
   * certificates ({@code ACCORD_TLS_CLIENT_CA_FILE}).
   */
  public boolean authenticationOn() {
    return auth.isOn() || tls.clientCertificatesRequired();
  }

  /**
   * Access rules need identities and identities need rules: refuses authentication without an
   * access file, and an access file without authentication.
   *
   * @throws IllegalArgumentException naming ACCORD_ACCESS_FILE
   */
  public static void requireAccessFileWithAuthentication(
      boolean authenticationOn, Path accessFile) {
    if (authenticationOn && accessFile == null) {
      throw new IllegalArgumentException(
          "ACCORD_ACCESS_FILE (--access-file) is needed when authentication is on: without access"
              + " rules no caller may do anything");
    }
    if (!authenticationOn && accessFile != null) {
      throw new IllegalArgumentException(
          "ACCORD_ACCESS_FILE (--access-file) is set but authentication is off (ACCORD_AUTH=none"
              + " and no ACCORD_TLS_CLIENT_CA_FILE): access rules need authenticated callers");
    }
  }

  public ServerConfig {
    if (backend == null || backend.isBlank()) {
      throw new IllegalArgumentException(
          "ACCORD_BACKEND (--backend) must be embedded, memory, "
              + "postgres://user:password@host:port/database or jdbc:postgresql://...");
    }
    if (poolSize < 1 || poolSize > 1000) {
      throw new IllegalArgumentException(
          "ACCORD_POOL_SIZE (--pool-size) must be from 1 to 1000, got " + poolSize);
    }
    if (auth == null) {
      throw new IllegalArgumentException("ACCORD_AUTH (--auth) must be set");
    }
    if (retention == null) {
      retention = Optional.empty();
    }
    if (tls == null) {
      throw new IllegalArgumentException("tls must be TlsSettings.PLAINTEXT, not null");
    }
  }

  /**
   * Reads {@code on} or {@code off}.
   *
   * @throws IllegalArgumentException naming ACCORD_REFLECTION
   */
  public static boolean parseReflection(String value) {
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "on" -> true;
      case "off" -> false;
      default ->
          throw new IllegalArgumentException(
              "ACCORD_REFLECTION (--reflection) must be on or off, got \"" + value + "\"");
    };
  }

  /**
   * Reads {@code :PORT}, {@code HOST:PORT} or {@code [IPv6]:PORT}; an empty host means every
   * interface.
   *
   * @throws IllegalArgumentException naming ACCORD_LISTEN and the expected form
   */
  public static InetSocketAddress parseListen(String value) {
    return parseListen("ACCORD_LISTEN (--listen)", value);
  }

  /** {@link #parseListen(String)} for the setting {@code field}, named in the error. */
  public static InetSocketAddress parseListen(String field, String value) {
    String expected =
        field + " must be [HOST]:PORT, e.g. :7475 or 127.0.0.1:7475, got \"" + value + "\"";
    int colon = value.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(expected);
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(expected);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(expected + ": port out of range");
    }
    if (host.isEmpty()) {
      return new InetSocketAddress(port);
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(
          field
              + ": host \""
              + host
              + "\" does not resolve to an address: give an address of this machine (e.g."
              + " 127.0.0.1:"
              + port
              + "), a name that resolves to one, or :"
              + port
              + " for every interface");
    }
    return address;
  }
}
