package dev.accord.bench.load;

import io.grpc.ChannelCredentials;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An Accord server run as a separate JVM from this process's own class path, as a deployment runs
 * it: its own heap, its own GC, calls over real TCP sockets.
 */
final class ServerProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final String target;
  private final ChannelCredentials credentials;
  private final Path log;

  private ServerProcess(Process process, String target, ChannelCredentials credentials, Path log) {
    this.process = process;
    this.target = target;
    this.credentials = credentials;
    this.log = log;
  }

  /**
   * Starts {@code dev.accord.server.AccordServerMain} on {@code backend} with {@code poolSize}
   * database connections, listening on a free loopback port, its output appended to {@code log};
   * returns once its health service answers SERVING (so its database answers and its schema is
   * migrated).
   *
   * @param settings more of the server's {@code ACCORD_*} settings (its TLS, authentication)
   * @param credentials what a client needs to reach it (plaintext or TLS)
   */
  static ServerProcess start(
      String backend,
      int poolSize,
      Map<String, String> settings,
      ChannelCredentials credentials,
      Path log)
      throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.accord.server.AccordServerMain"));
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("ACCORD_"));
    env.put("ACCORD_BACKEND", backend);
    env.put("ACCORD_LISTEN", "127.0.0.1:" + port);
    env.put("ACCORD_POOL_SIZE", Integer.toString(poolSize));
    env.put("ACCORD_SHUTDOWN_GRACE_SECONDS", "5");
    // A free port rather than the default :9090, so runs side by side do not clash.
    env.put("ACCORD_HTTP_LISTEN", "127.0.0.1:0");
    env.putAll(settings);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    ServerProcess server =
        new ServerProcess(builder.start(), "127.0.0.1:" + port, credentials, log);
    try {
      server.awaitServing();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /**
   * Waits on the standard health service's Watch until it says SERVING; gives up when the process
   * exits.
   */
  private void awaitServing() throws IOException {
    ManagedChannel channel = Grpc.newChannelBuilder(target, credentials).build();
    Context.CancellableContext context = Context.current().withCancellation();
    process.onExit().thenRun(() -> context.cancel(null));
    try {
      boolean serving =
          context.call(
              () -> {
                var answers =
                    HealthGrpc.newBlockingStub(channel)
                        .withWaitForReady()
                        .withDeadlineAfter(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                        .watch(HealthCheckRequest.getDefaultInstance());
                while (answers.hasNext()) {
                  if (answers.next().getStatus() == ServingStatus.SERVING) {
                    return true;
                  }
                }
                return false;
              });
      if (!serving) {
        throw new IOException(
            "the Accord server ended its health stream without SERVING: see " + log);
      }
    } catch (StatusRuntimeException e) {
      if (!process.isAlive()) {
        throw new IOException(
            "the Accord server exited with code " + process.exitValue() + " at start: see " + log,
            e);
      }
      throw new IOException(
          "the Accord server did not turn SERVING within "
              + START_TIMEOUT.toSeconds()
              + " s ("
              + e.getStatus()
              + "): see "
              + log,
          e);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    } finally {
      context.cancel(null);
      channel.shutdownNow();
    }
  }

  /** host:port of its gRPC listener. */
  String target() {
    return target;
  }

  long pid() {
    return process.pid();
  }

  /** SIGTERM, as a deployment stops it; killed outright if it has not exited within 30 s. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
