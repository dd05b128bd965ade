package dev.accord.server.http;

import dev.accord.server.ServerConfig;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Optional;

/** Reads {@code ACCORD_HTTP_LISTEN}: {@code [HOST]:PORT}, or {@code off}. */
public final class HttpListen {
  public static final String SETTING = "ACCORD_HTTP_LISTEN (--http-listen)";

  private HttpListen() {}

  /**
   * @return the address, or empty for {@code off}
   * @throws IllegalArgumentException naming ACCORD_HTTP_LISTEN and the expected form
   */
  public static Optional<InetSocketAddress> parse(String value) {
    String given = value == null ? "" : value.trim();
    if (given.toLowerCase(Locale.ROOT).equals("off")) {
      return Optional.empty();
    }
    try {
      return Optional.of(ServerConfig.parseListen(SETTING, given));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          SETTING
              + " must be [HOST]:PORT, e.g. :9090 or 127.0.0.1:9090, or off; got \""
              + given
              + "\"",
          e);
    }
  }
}
