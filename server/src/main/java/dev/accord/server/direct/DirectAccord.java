package dev.accord.server.direct;

import dev.accord.client.AccordClient;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.Backend;
import dev.accord.server.grpc.AccordV1Service;
import dev.accord.server.grpc.MalformedRequests;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Direct mode: the {@link AccordClient} API over a backend in this same process, with no Accord server in between.
 * Calls go through gRPC's in-process transport to the server's own service code, so validation, errors and
 * semantics are exactly the server's. Use at your own risk: every process using direct mode on one database must
 * run the same Accord version (each migrates the schema), and with the memory backend the state is this process's.
 *
 * <pre>{@code
 * try (PostgresBackend backend = PostgresBackend.open(PostgresSettings.parse(url, 8));
 *      AccordClient client = DirectAccord.clientBuilder(backend).namespace("reports").build()) {
 *   ...
 * }
 * }</pre>
 */
public final class DirectAccord {
  private static final int CALL_THREADS = 16;

  private DirectAccord() {}

  /**
   * A client builder wired to {@code backend}. Closing the client stops the in-process service; the backend stays
   * open, it is the caller's to close.
   */
  public static AccordClient.Builder clientBuilder(Backend backend) {
    String name = "accord-direct-" + UUID.randomUUID();
    ExecutorService calls = Executors.newFixedThreadPool(CALL_THREADS, AccordServer.namedThreads("accord-direct-call-"));
    ScheduledExecutorService watches = Executors.newScheduledThreadPool(1, AccordServer.namedThreads("accord-direct-watch-"));
    Server server;
    try {
      server = InProcessServerBuilder.forName(name)
          .executor(calls)
          .addService(MalformedRequests.guard(new AccordV1Service(backend, watches).bindService()))
          .build()
          .start();
    } catch (IOException e) {
      calls.shutdownNow();
      watches.shutdownNow();
      throw new UncheckedIOException("cannot start the in-process Accord service", e);
    }
    return AccordClient.builder()
        .channel(InProcessChannelBuilder.forName(name).build())
        .onClose(() -> {
          server.shutdownNow();
          calls.shutdownNow();
          watches.shutdownNow();
        });
  }
}
