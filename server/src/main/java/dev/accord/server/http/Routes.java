package dev.accord.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.accord.server.backend.BackendUnavailableException;
import dev.accord.server.backend.InvalidArgumentException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener's route table: handlers for exact paths and for path prefixes (the longest
 * matching prefix wins). Only GET and HEAD are answered; anything a handler throws becomes a 500
 * without details (logged here).
 */
public final class Routes implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(Routes.class);

  private final Map<String, HttpHandler> exact = new LinkedHashMap<>();
  private final List<Map.Entry<String, HttpHandler>> prefixes = new ArrayList<>();

  /** Answers {@code path} exactly with {@code handler}. */
  public Routes exact(String path, HttpHandler handler) {
    exact.put(path, handler);
    return this;
  }

  /**
   * Answers every path starting with {@code prefix} (not answered exactly) with {@code handler}.
   */
  public Routes prefix(String prefix, HttpHandler handler) {
    prefixes.add(Map.entry(prefix, handler));
    prefixes.sort((a, b) -> b.getKey().length() - a.getKey().length());
    return this;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        Replies.text(exchange, 405, "only GET and HEAD are answered here\n");
        return;
      }
      HttpHandler handler = find(exchange.getRequestURI().getRawPath());
      if (handler == null) {
        Replies.text(exchange, 404, "no such page\n");
        return;
      }
      try {
        handler.handle(exchange);
      } catch (Refusal refusal) {
        Replies.textIfNotStarted(exchange, refusal.status(), refusal.getMessage() + "\n");
      } catch (BackendUnavailableException e) {
        log.warn(
            "HTTP request {}: the database does not answer: {}", path(exchange), e.getMessage());
        Replies.textIfNotStarted(exchange, 503, "the database does not answer\n");
      } catch (InvalidArgumentException e) {
        Replies.textIfNotStarted(exchange, 400, e.getMessage() + "\n");
      } catch (IOException e) {
        // The client went away while the answer was written: nothing to tell anyone.
        log.debug("HTTP answer to {} not written: {}", exchange.getRequestURI(), e.toString());
      } catch (RuntimeException e) {
        log.error("HTTP request {} failed", path(exchange), e);
        Replies.textIfNotStarted(exchange, 500, "internal error (see the server's log)\n");
      }
    }
  }

  private static String path(HttpExchange exchange) {
    return exchange.getRequestURI().getRawPath();
  }

  private HttpHandler find(String path) {
    HttpHandler handler = exact.get(path);
    if (handler != null) {
      return handler;
    }
    for (Map.Entry<String, HttpHandler> prefix : prefixes) {
      if (path.startsWith(prefix.getKey())) {
        return prefix.getValue();
      }
    }
    return null;
  }
}
