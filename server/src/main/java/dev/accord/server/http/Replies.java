package dev.accord.server.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writing whole answers: status, content type, the headers every page gets, and the body. */
final class Replies {
  static final String TEXT = "text/plain; charset=utf-8";
  static final String HTML = "text/html; charset=utf-8";

  private Replies() {}

  static void text(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, TEXT, body.getBytes(StandardCharsets.UTF_8));
  }

  static void html(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, HTML, body.getBytes(StandardCharsets.UTF_8));
  }

  /** A text answer unless an answer was already started (then the connection just closes). */
  static void textIfNotStarted(HttpExchange exchange, int status, String body) throws IOException {
    if (exchange.getResponseCode() == -1) {
      text(exchange, status, body);
    }
  }

  static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    commonHeaders(exchange, contentType);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /**
   * The type, and what keeps a page safe even if escaping were missed somewhere: scripts only from
   * this server's files (no inline script runs), no framing, no type sniffing, no caching of pages
   * that may show what a signed-in caller may read.
   */
  static void commonHeaders(HttpExchange exchange, String contentType) {
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", contentType);
    headers.set("Cache-Control", "no-store");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  }
}
