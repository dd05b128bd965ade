package dev.accord.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operator's plain-HTTP port (ACCORD_OPERATOR_HEALTH_PORT): {@code /healthz} and {@code
 * /readyz} for the probes, {@code /metrics} for Prometheus.
 */
public final class OperatorEndpoints {
  /** The media type of the Prometheus text format that Micrometer's scrape() writes. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private OperatorEndpoints() {}

  /**
   * Starts serving on {@code port} (0: any free port).
   *
   * @throws IOException when the port cannot be bound
   */
  public static HttpServer start(
      int port, BooleanSupplier healthy, BooleanSupplier ready, Supplier<String> metrics)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", exchange -> check(exchange, healthy));
    server.createContext("/readyz", exchange -> check(exchange, ready));
    server.createContext(
        "/metrics", exchange -> send(exchange, 200, PROMETHEUS_TEXT, metrics.get()));
    server.start();
    return server;
  }

  private static void check(HttpExchange exchange, BooleanSupplier check) throws IOException {
    boolean ok = check.getAsBoolean();
    send(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not ready\n");
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
