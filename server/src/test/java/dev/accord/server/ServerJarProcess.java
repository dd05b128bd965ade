package dev.accord.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One {@code java -jar} process, its standard output and error drained continuously by background
 * threads: a pipe nobody reads fills up and blocks the server mid-log line, which would look like a
 * hang of the product.
 */
final class ServerJarProcess {
  private final List<String> command;
  private final Process process;
  private final StringBuffer stdout = new StringBuffer();
  private final StringBuffer stderr = new StringBuffer();
  private final Thread stdoutPump;
  private final Thread stderrPump;

  private ServerJarProcess(List<String> command, Process process) {
    this.command = command;
    this.process = process;
    this.stdoutPump = pump(process.getInputStream(), stdout, "stdout-" + process.pid());
    this.stderrPump = pump(process.getErrorStream(), stderr, "stderr-" + process.pid());
  }

  /**
   * Starts the jar in {@code workDir}. The test JVM's java.io.tmpdir (target/, per the parent pom)
   * is the server's too, and the embedded backend's binaries are extracted once under it for every
   * data directory (ot.epg.working-dir), so nothing lands in the machine's /tmp and no test pays
   * for an extraction of its own.
   */
  static ServerJarProcess start(Path jar, Path workDir, Map<String, String> env, String... args)
      throws IOException {
    String tmp = System.getProperty("java.io.tmpdir");
    List<String> jvmOptions =
        List.of(
            "-Djava.io.tmpdir=" + tmp,
            "-Dot.epg.working-dir=" + Path.of(tmp, "embedded-pg").toAbsolutePath());
    return start(jar, workDir, jvmOptions, env, args);
  }

  /** As {@link #start(Path, Path, Map, String...)}, with {@code jvmOptions} of the caller's. */
  static ServerJarProcess start(
      Path jar, Path workDir, List<String> jvmOptions, Map<String, String> env, String... args)
      throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    // Whatever ACCORD_* the developer's shell has must not change what is tested.
    builder.environment().keySet().removeIf(name -> name.startsWith("ACCORD_"));
    builder.environment().putAll(env);
    // Not the default :9090: servers of one test, and of builds side by side, would clash there.
    builder.environment().putIfAbsent("ACCORD_HTTP_LISTEN", "127.0.0.1:0");
    return new ServerJarProcess(command, builder.start());
  }

  private static Thread pump(InputStream in, StringBuffer into, String name) {
    Thread thread =
        new Thread(
            () -> {
              char[] chunk = new char[8192];
              try (Reader reader = new InputStreamReader(in, UTF_8)) {
                int n;
                while ((n = reader.read(chunk)) >= 0) {
                  into.append(chunk, 0, n);
                }
              } catch (IOException e) {
                into.append("\n[reading ").append(name).append(" failed: ").append(e).append(']');
              }
            },
            "it-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String stdout() {
    return stdout.toString();
  }

  String stderr() {
    return stderr.toString();
  }

  String output() {
    return stdout() + stderr();
  }

  /** Everything known about the process, for failure messages. */
  String describe() {
    String state = process.isAlive() ? "still running" : "exited with " + process.exitValue();
    return String.format(
        "process %d (%s) %s%n--- stdout ---%n%s%n--- stderr ---%n%s",
        process.pid(),
        command.stream().skip(2).collect(Collectors.joining(" ")),
        state,
        stdout(),
        stderr());
  }

  void awaitStderr(String text, Duration timeout) {
    await("\"" + text + "\" on stderr")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .failFast(
            () ->
                assertThat(process.isAlive())
                    .as(() -> "exited before logging \"" + text + "\"; " + describe())
                    .isTrue())
        .untilAsserted(() -> assertThat(stderr()).as(() -> describe()).contains(text));
  }

  /**
   * Sends SIGTERM, as Kubernetes and systemd do, and waits for the exit. Through the ProcessHandle:
   * on Linux {@link Process#destroy()} sends the same signal but also closes our ends of the pipes
   * at once, which loses exactly the lines under test, those the shutdown hook logs on its way out.
   */
  int terminate(Duration timeout) throws InterruptedException {
    assertThat(process.toHandle().destroy())
        .as(() -> "could not send SIGTERM; " + describe())
        .isTrue();
    return awaitExit(timeout);
  }

  /** Waits for the exit and for the pumps to have read everything the process wrote. */
  int awaitExit(Duration timeout) throws InterruptedException {
    boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(exited).as(() -> "did not exit within " + timeout + "; " + describe()).isTrue();
    stdoutPump.join(TimeUnit.SECONDS.toMillis(10));
    stderrPump.join(TimeUnit.SECONDS.toMillis(10));
    return process.exitValue();
  }

  /**
   * Gives the process a moment to run its shutdown hooks (which stop an embedded PostgreSQL), then
   * kills it regardless, so no test can leak a server into the next.
   */
  void kill() {
    try {
      if (process.isAlive()) {
        process.toHandle().destroy();
        process.waitFor(15, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
