package dev.accord.operator.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code docker} command line, for the end-to-end test's containers: whether an engine answers
 * (where {@code DOCKER_HOST} or the default socket points), whether an image is there, and the
 * short commands that end containers.
 */
final class Docker {
  private static final long COMMAND_SECONDS = 60;

  private Docker() {}

  /** Whether the engine answers: no {@code docker} command, or no engine, is a no. */
  static boolean engineAnswers() {
    return run("info", "--format", "{{.ServerVersion}}").exitCode() == 0;
  }

  /** Null when the engine answers and has every image; otherwise why not, in a few words. */
  static String whyNotRunnable(String... images) {
    if (!engineAnswers()) {
      return "no container engine answers (docker info fails)";
    }
    for (String image : images) {
      if (!imageExists(image)) {
        return image + " is not in the container engine (./accord images builds it)";
      }
    }
    return null;
  }

  static boolean imageExists(String image) {
    return run("image", "inspect", "--format", "{{.Id}}", image).exitCode() == 0;
  }

  /** Sends {@code signal} to a running container; a container already gone is not an error. */
  static void signal(String container, String signal) {
    run("kill", "--signal", signal, container);
  }

  /** Removes every container whose name starts with {@code prefix}, running or not. */
  static void removeAll(String prefix) {
    Result listed = run("ps", "--all", "--quiet", "--filter", "name=^" + prefix);
    List<String> ids = listed.output().lines().filter(id -> !id.isBlank()).toList();
    if (ids.isEmpty()) {
      return;
    }
    List<String> remove = new ArrayList<>(List.of("rm", "--force"));
    remove.addAll(ids);
    Result removed = run(remove.toArray(String[]::new));
    if (removed.exitCode() != 0) {
      System.err.println("e2e: could not remove containers " + ids + ": " + removed.output());
    }
  }

  record Result(int exitCode, String output) {}

  /** Runs {@code docker args...} to its end; exit code -1 when it could not run or hung. */
  static Result run(String... args) {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      // The commands used here print a few lines at most: reading before waiting cannot block.
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, "timed out: " + command);
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      return new Result(-1, "cannot run " + command + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted: " + command);
    }
  }
}
