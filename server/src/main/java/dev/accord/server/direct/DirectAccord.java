package dev.accord.server.direct;

import dev.accord.client.AccordClient;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.Backend;
import dev.accord.server.grpc.AccordV1Service;
import dev.accord.server.grpc.MalformedRequests;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
    ManagedChannel channel = channel(backend);
    return AccordClient.builder()
        .channel(channel)
        .onClose(channel::shutdownNow);
  }

  /**
   * An in-process channel to the server's own V1 service over {@code backend}, for the generated stubs (the load
   * generator's direct mode). Shutting the channel down stops the service; the backend stays open, it is the
   * caller's to close.
   */
  public static ManagedChannel channel(Backend backend) {
    String name = "accord-direct-" + UUID.randomUUID();
    ExecutorService calls = Executors.newFixedThreadPool(CALL_THREADS, AccordServer.namedThreads("accord-direct-call-"));
    ScheduledExecutorService watches = Executors.newScheduledThreadPool(1, AccordServer.namedThreads("accord-direct-watch-"));
    Server server;
    try {
      server = InProcessServerBuilder.forName(name)
          .executor(calls)
          .callExecutor(AccordV1Service.NON_BLOCKING_CALLS)
          .addService(MalformedRequests.guard(new AccordV1Service(backend, watches).bindService()))
          .build()
          .start();
    } catch (IOException e) {
      calls.shutdownNow();
      watches.shutdownNow();
      throw new UncheckedIOException("cannot start the in-process Accord service", e);
    }
    return new DirectChannel(InProcessChannelBuilder.forName(name).build(), server, calls, watches);
  }

  /** The in-process channel, owning the service behind it: it stops with the channel. */
  private static final class DirectChannel extends ManagedChannel {
    private final ManagedChannel channel;
    private final Server server;
    private final ExecutorService calls;
    private final ScheduledExecutorService watches;

    DirectChannel(ManagedChannel channel, Server server, ExecutorService calls, ScheduledExecutorService watches) {
      this.channel = channel;
      this.server = server;
      this.calls = calls;
      this.watches = watches;
    }

    @Override
    public ManagedChannel shutdown() {
      channel.shutdown();
      // Calls in flight finish; the executors stop once the service has (see awaitTermination).
      server.shutdown();
      return this;
    }

    @Override
    public ManagedChannel shutdownNow() {
      channel.shutdownNow();
      server.shutdownNow();
      calls.shutdownNow();
      watches.shutdownNow();
      return this;
    }

    @Override
    public boolean isShutdown() {
      return channel.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return channel.isTerminated() && server.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      long deadline = System.nanoTime() + unit.toNanos(timeout);
      boolean terminated = channel.awaitTermination(timeout, unit)
          && server.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (terminated) {
        calls.shutdown();
        watches.shutdownNow();
      }
      return terminated;
    }

    @Override
    public <RequestT, ResponseT> ClientCall<RequestT, ResponseT> newCall(
        MethodDescriptor<RequestT, ResponseT> method, CallOptions options) {
      return channel.newCall(method, options);
    }

    @Override
    public String authority() {
      return channel.authority();
    }

    @Override
    public ConnectivityState getState(boolean requestConnection) {
      return channel.getState(requestConnection);
    }

    @Override
    public void notifyWhenStateChanged(ConnectivityState source, Runnable callback) {
      channel.notifyWhenStateChanged(source, callback);
    }

    @Override
    public void resetConnectBackoff() {
      channel.resetConnectBackoff();
    }

    @Override
    public void enterIdle() {
      channel.enterIdle();
    }
  }
}
