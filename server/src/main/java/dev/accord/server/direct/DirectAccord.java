package dev.accord.server.direct;

import dev.accord.client.AccordClient;
import dev.accord.server.backend.Backend;
import dev.accord.server.grpc.AccordServices;
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
import java.util.concurrent.TimeUnit;

/**
 * Direct mode: the {@link AccordClient} API over a backend in this same process, with no Accord
 * server in between. Calls go through gRPC's in-process transport to the server's own service code,
 * so validation, errors and semantics are exactly the server's. Use at your own risk: every process
 * using direct mode on one database must run the same Accord version (each migrates the schema),
 * and with the memory backend the state is this process's.
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
   * A client builder wired to {@code backend}. Closing the client stops the in-process service; the
   * backend stays open, it is the caller's to close.
   */
  public static AccordClient.Builder clientBuilder(Backend backend) {
    ManagedChannel channel = channel(backend);
    return AccordClient.builder().channel(channel).onClose(channel::shutdownNow);
  }

  /**
   * An in-process channel to the server's own V1 service over {@code backend}, for the generated
   * stubs (the load generator's direct mode). Shutting the channel down stops the service; the
   * backend stays open, it is the caller's to close.
   */
  public static ManagedChannel channel(Backend backend) {
    String name = "accord-direct-" + UUID.randomUUID();
    AccordServices services = new AccordServices(backend, CALL_THREADS, "accord-direct-");
    Server server;
    try {
      server = services.addTo(InProcessServerBuilder.forName(name)).build().start();
    } catch (IOException e) {
      services.close();
      throw new UncheckedIOException("cannot start the in-process Accord service", e);
    }
    return new DirectChannel(InProcessChannelBuilder.forName(name).build(), server, services);
  }

  /** The in-process channel, owning the service behind it: it stops with the channel. */
  private static final class DirectChannel extends ManagedChannel {
    private final ManagedChannel channel;
    private final Server server;
    private final AccordServices services;

    DirectChannel(ManagedChannel channel, Server server, AccordServices services) {
      this.channel = channel;
      this.server = server;
      this.services = services;
    }

    @Override
    public ManagedChannel shutdown() {
      channel.shutdown();
      // Calls in flight finish; the service's threads stop once it has (see awaitTermination).
      server.shutdown();
      return this;
    }

    @Override
    public ManagedChannel shutdownNow() {
      channel.shutdownNow();
      server.shutdownNow();
      services.close();
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
      boolean terminated =
          channel.awaitTermination(timeout, unit)
              && server.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (terminated) {
        services.close();
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
