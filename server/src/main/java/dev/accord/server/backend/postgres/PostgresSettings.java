package dev.accord.server.backend.postgres;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Where the PostgreSQL backend connects and how many connections it keeps.
 *
 * @param jdbcUrl a {@code jdbc:postgresql://} URL, possibly with credentials in its query
 * @param user the user, or null when the URL carries it
 * @param password the password, or null when the URL carries it (or none is needed)
 * @param poolSize connections in the pool
 */
public record PostgresSettings(String jdbcUrl, String user, String password, int poolSize) {
  public static final int DEFAULT_POOL_SIZE = 16;

  public PostgresSettings {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "not a jdbc:postgresql: URL: " + redact(String.valueOf(jdbcUrl)));
    }
    if (poolSize < 1 || poolSize > 1000) {
      throw new IllegalArgumentException("pool size must be from 1 to 1000, got " + poolSize);
    }
  }

  /**
   * Reads {@code postgres://user:pass@host:port/db?params} (also {@code postgresql://}, several
   * hosts separated by commas) or a {@code jdbc:postgresql://} URL as it is.
   *
   * @throws IllegalArgumentException saying what is wrong with the URL, without its password
   */
  public static PostgresSettings parse(String url, int poolSize) {
    if (url.startsWith("jdbc:postgresql:")) {
      return new PostgresSettings(url, null, null, poolSize);
    }
    String rest;
    if (url.startsWith("postgres://")) {
      rest = url.substring("postgres://".length());
    } else if (url.startsWith("postgresql://")) {
      rest = url.substring("postgresql://".length());
    } else {
      throw new IllegalArgumentException(
          "expected postgres://user:password@host:port/database or jdbc:postgresql://..., got "
              + redact(url));
    }
    String user = null;
    String password = null;
    int at = rest.lastIndexOf('@', firstOf(rest, '/', '?'));
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = userInfo.indexOf(':');
      user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
      password = colon >= 0 ? decode(userInfo.substring(colon + 1)) : null;
    }
    int hostsEnd = firstOf(rest, '/', '?');
    String hosts = rest.substring(0, hostsEnd);
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("no host in PostgreSQL URL " + redact(url));
    }
    return new PostgresSettings("jdbc:postgresql://" + rest, user, password, poolSize);
  }

  /**
   * Reads libpq's variables: {@code PGHOST} (required), {@code PGPORT} (default 5432), {@code
   * PGDATABASE} (default: the user), {@code PGUSER} (required), {@code PGPASSWORD}, {@code
   * PGSSLMODE}.
   *
   * @throws IllegalArgumentException naming the variable that is missing or malformed
   */
  public static PostgresSettings fromLibpqEnvironment(Map<String, String> env, int poolSize) {
    String host = required(env, "PGHOST");
    String user = required(env, "PGUSER");
    String port = env.getOrDefault("PGPORT", "5432");
    if (!port.matches("\\d{1,5}")) {
      throw new IllegalArgumentException("PGPORT must be a port number, got \"" + port + "\"");
    }
    String database = env.getOrDefault("PGDATABASE", user);
    String url =
        "jdbc:postgresql://"
            + host
            + ":"
            + port
            + "/"
            + URLEncoder.encode(database, StandardCharsets.UTF_8);
    String sslMode = env.get("PGSSLMODE");
    if (sslMode != null && !sslMode.isEmpty()) {
      url += "?sslmode=" + URLEncoder.encode(sslMode, StandardCharsets.UTF_8);
    }
    return new PostgresSettings(url, user, env.get("PGPASSWORD"), poolSize);
  }

  private static String required(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must be set when ACCORD_BACKEND is postgres");
    }
    return value;
  }

  private static int firstOf(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    if (i < 0) {
      return j < 0 ? s.length() : j;
    }
    return j < 0 ? i : Math.min(i, j);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** The URL as it can be logged: user kept, password hidden. */
  public String describe() {
    String shown = redact(jdbcUrl);
    return user == null ? shown : shown + " as " + user;
  }

  /** Hides any password in a postgres:// or JDBC URL. */
  static String redact(String url) {
    String hidden = url.replaceAll("(?i)(password=)[^&]*", "$1***");
    return hidden.replaceAll("^([a-z:]*//[^:/@]*:)[^@/]*@", "$1***@");
  }
}
