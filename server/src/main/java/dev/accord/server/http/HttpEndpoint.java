package dev.accord.server.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's HTTP listener ({@code ACCORD_HTTP_LISTEN}): the JDK's HTTP server answering the
 * requests of a {@link Routes} table on a bounded pool of threads.
 */
public final class HttpEndpoint implements AutoCloseable {
  /**
   * Threads answering requests; an event stream keeps one for as long as it is open, so this also
   * bounds open streams (see {@link EventStreams#MAX_OPEN}).
   */
  static final int THREADS = EventStreams.MAX_OPEN + 8;

  private final HttpServer server;
  private final ThreadPoolExecutor threads;
  private final Runnable onClose;

  private HttpEndpoint(HttpServer server, ThreadPoolExecutor threads, Runnable onClose) {
    this.server = server;
    this.threads = threads;
    this.onClose = onClose;
  }

  /**
   * Listens on {@code listen} (port 0: any free port) and answers with {@code routes}.
   *
   * @param onClose run first on {@link #close()}: ends what keeps requests open (event streams)
   * @throws IOException when it cannot listen there
   */
  public static HttpEndpoint start(InetSocketAddress listen, Routes routes, Runnable onClose)
      throws IOException {
    HttpServer server = HttpServer.create(listen, 64);
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor threads =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread thread = new Thread(task, "accord-http-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    threads.allowCoreThreadTimeOut(true);
    server.setExecutor(threads);
    server.createContext("/", routes);
    server.start();
    return new HttpEndpoint(server, threads, onClose);
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Ends open event streams, waits up to a second for answers being written, and stops. */
  @Override
  public void close() {
    onClose.run();
    // Java 17's HttpServer.stop(delay) waits its whole delay even with no exchange open (fixed in
    // later JDKs), which held every shutdown for a second: wait only for handlers still running.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (threads.getActiveCount() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    server.stop(0);
    threads.shutdownNow();
  }
}
