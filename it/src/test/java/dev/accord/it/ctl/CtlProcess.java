package dev.accord.it.ctl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code java -jar accordctl.jar} process, its standard input not a terminal (a pipe closed at
 * once), its output going to files so a long-running watch can be read while it runs.
 */
final class CtlProcess {
  private final List<String> command;
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private CtlProcess(List<String> command, Process process, Path stdout, Path stderr) {
    this.command = command;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** What a finished run printed and returned. */
  record Result(int exitCode, String out, String err, String command) {
    /** Everything, for failure messages. */
    String describe() {
      return command
          + " exited "
          + exitCode
          + "\n--- stdout ---\n"
          + out
          + "--- stderr ---\n"
          + err;
    }
  }

  static CtlProcess start(Path jar, Path workDir, Map<String, String> env, String... args)
      throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toString()));
    command.addAll(List.of(args));
    Path stdout = Files.createTempFile(workDir, "stdout", ".txt");
    Path stderr = Files.createTempFile(workDir, "stderr", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    // Whatever ACCORD_* the developer's shell has must not change what is tested.
    builder.environment().keySet().removeIf(name -> name.startsWith("ACCORD_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    return new CtlProcess(command, process, stdout, stderr);
  }

  String stdout() {
    return read(stdout);
  }

  String stderr() {
    return read(stderr);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Result awaitExit(Duration timeout) throws InterruptedException {
    boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    assertThat(exited).as("%s did not exit within %s: %s", args(), timeout, stderr()).isTrue();
    return new Result(process.exitValue(), stdout(), stderr(), args());
  }

  /** SIGTERM, as a person's Ctrl-C or a supervisor would stop it. */
  Result stop(Duration timeout) throws InterruptedException {
    process.toHandle().destroy();
    return awaitExit(timeout);
  }

  void kill() {
    process.destroyForcibly();
  }

  private String args() {
    return "accordctl " + String.join(" ", command.subList(3, command.size()));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
