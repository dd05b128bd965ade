package dev.accord.server.http;

import com.sun.net.httpserver.HttpExchange;
import dev.accord.server.backend.BackendUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Server-sent events ({@code text/event-stream}): each open stream sends a {@code progress} event
 * with the current data when it changed, checking every tick, and a comment now and then so a
 * closed connection is noticed. A stream holds one of the listener's threads while it is open, so
 * at most {@link #MAX_OPEN} are; more are answered 503.
 */
final class EventStreams {
  static final int MAX_OPEN = 32;

  /** Ticks without a change after which a comment line is sent. */
  private static final int HEARTBEAT_TICKS = 15;

  /** The data of an {@code unavailable} event. */
  private static final String UNAVAILABLE = "\"the database does not answer\"";

  private final Duration tick;
  private final Semaphore open = new Semaphore(MAX_OPEN);
  private final CountDownLatch closing = new CountDownLatch(1);

  EventStreams(Duration tick) {
    this.tick = tick;
  }

  /**
   * Answers {@code exchange} with a stream of {@code data} (JSON) until the client goes away or
   * {@link #close()}. {@code data} is called once per tick on this thread.
   *
   * @throws Refusal 503 when {@link #MAX_OPEN} streams are open
   */
  void stream(HttpExchange exchange, Supplier<String> data) throws IOException {
    if (!open.tryAcquire()) {
      throw new Refusal(503, "too many open event streams; try again later");
    }
    try {
      Replies.commonHeaders(exchange, "text/event-stream; charset=utf-8");
      // Proxies such as nginx must pass each event on at once rather than buffer the stream.
      exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      write(out, "retry: 2000\n\n");
      String last = null;
      int quiet = 0;
      while (closing.getCount() > 0) {
        String next = current(data);
        if (next != null && !next.equals(last)) {
          write(out, event(next == UNAVAILABLE ? "unavailable" : "progress", next));
          last = next;
          quiet = 0;
        } else if (++quiet >= HEARTBEAT_TICKS) {
          write(out, ": still here\n\n");
          quiet = 0;
        }
        if (closing.await(tick.toMillis(), TimeUnit.MILLISECONDS)) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.release();
    }
  }

  /**
   * The data now, or {@link #UNAVAILABLE} while the database does not answer: the page says so and
   * the stream goes on, as the database may come back.
   */
  private static String current(Supplier<String> data) {
    try {
      return data.get();
    } catch (BackendUnavailableException e) {
      return UNAVAILABLE;
    }
  }

  /** One event: its type and its data, a {@code data:} line per line of it. */
  static String event(String type, String data) {
    return "event: " + type + "\ndata: " + data.replace("\n", "\ndata: ") + "\n\n";
  }

  /** Ends every open stream (the server is stopping). */
  void close() {
    closing.countDown();
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
