package dev.accord.chaos;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
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
import java.util.concurrent.TimeUnit;

/**
 * One Accord server process ({@code java -jar accord-server.jar} on PostgreSQL), on a port that
 * stays the same across restarts, and the channel workers reach it through. The faults act on the
 * real process: SIGKILL, SIGSTOP and SIGCONT.
 */
public final class ServerNode implements AutoCloseable {
  private final int index;
  private final Path jar;
  private final Path log;
  private final String backendUrl;
  private final int port;
  private final ManagedChannel channel;
  private Process process;
  private boolean paused;

  public ServerNode(int index, Path jar, Path logDir, String backendUrl) throws IOException {
    this.index = index;
    this.jar = jar;
    this.log = logDir.resolve("server-" + index + ".log");
    this.backendUrl = backendUrl;
    this.port = freePort();
    this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  public int index() {
    return index;
  }

  /** The channel to this server, shared by every worker (as a process's clients share one). */
  public ManagedChannel channel() {
    return channel;
  }

  /** Starts the process and returns once it serves the V1 API. */
  public synchronized void start(Duration timeout) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx256m",
                    // A restart after kill -9 is part of every fault: C1 alone starts the JVM
                    // sooner on a busy machine, and what is tested does not depend on the JIT.
                    "-XX:TieredStopAtLevel=1",
                    "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                    "-jar",
                    jar.toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(name -> name.startsWith("ACCORD_"));
    builder.environment().put("ACCORD_LISTEN", "127.0.0.1:" + port);
    builder.environment().put("ACCORD_BACKEND", backendUrl);
    builder.environment().put("ACCORD_HTTP_LISTEN", "off");
    builder.environment().put("ACCORD_POOL_SIZE", "8");
    process = builder.start();
    paused = false;
    awaitServing(timeout);
  }

  private void awaitServing(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HealthCheckRequest request =
        HealthCheckRequest.newBuilder().setService("blacksquaremedia.accord.V1").build();
    while (true) {
      if (!process.isAlive()) {
        throw new IOException(
            "server " + index + " exited with " + process.exitValue() + " on start; see " + log);
      }
      // A restarted server answers at once; without this the channel would wait out its backoff.
      channel.resetConnectBackoff();
      try {
        if (HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(1, TimeUnit.SECONDS)
                .check(request)
                .getStatus()
            == ServingStatus.SERVING) {
          return;
        }
      } catch (StatusRuntimeException notYet) {
        // Not listening yet, or its backend check has not run: ask again until the deadline.
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("server " + index + " not serving after " + timeout + "; see " + log);
      }
      Thread.sleep(100);
    }
  }

  /** kill -9: no shutdown hook runs, in-flight calls are lost mid-way. */
  public synchronized void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
    paused = false;
  }

  /** SIGSTOP: the process stays, its sockets stay open, nothing answers. */
  public synchronized void pause() throws IOException, InterruptedException {
    signal("STOP");
    paused = true;
  }

  /** SIGCONT: what it had read while stopped, it now runs. */
  public synchronized void resume() throws IOException, InterruptedException {
    signal("CONT");
    paused = false;
  }

  public synchronized boolean isUp() {
    return process != null && process.isAlive() && !paused;
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, "" + process.pid()).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  public Path log() {
    return log;
  }

  /** Stops the process (SIGCONT first if it is stopped, so SIGTERM can run its hooks). */
  @Override
  public synchronized void close() {
    channel.shutdownNow();
    if (process == null || !process.isAlive()) {
      return;
    }
    try {
      if (paused) {
        resume();
      }
      process.destroy();
      if (process.waitFor(30, TimeUnit.SECONDS)) {
        return;
      }
    } catch (IOException e) {
      System.err.println("could not resume server " + index + " before stopping it: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // still killed below: no server outlives the run
    }
    process.destroyForcibly();
  }

  /**
   * A port free a moment ago. Another process could take it before the server binds; the start then
   * fails loudly.
   */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
