package dev.accord.server;

import dev.accord.server.security.AuthMode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

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
 * @param auth how callers prove who they are ({@code ACCORD_AUTH})
 */
public record ServerConfig(
    InetSocketAddress listen,
    String backend,
    Path dataDir,
    int poolSize,
    Duration shutdownGrace,
    Duration healthInterval,
    AuthMode auth) {
  public static final int DEFAULT_PORT = 7475;

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
  }

  /**
   * Reads {@code :PORT}, {@code HOST:PORT} or {@code [IPv6]:PORT}; an empty host means every
   * interface.
   *
   * @throws IllegalArgumentException naming ACCORD_LISTEN and the expected form
   */
  public static InetSocketAddress parseListen(String value) {
    String expected =
        "ACCORD_LISTEN (--listen) must be [HOST]:PORT, e.g. :7475 or 127.0.0.1:7475, got \""
            + value
            + "\"";
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
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }
}
