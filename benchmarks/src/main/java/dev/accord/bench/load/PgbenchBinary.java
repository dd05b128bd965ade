package dev.accord.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Finding a pgbench that runs on this machine. */
final class PgbenchBinary {
  /** What to install when pgbench is missing. */
  static final String INSTALL_HINT =
      "install Debian's postgresql-client package (on Debian 12 pgbench comes with "
          + "the postgresql package), or pass --pgbench PATH";

  private PgbenchBinary() {}

  /**
   * The pgbench given, else the first on PATH that runs, else the newest under
   * /usr/lib/postgresql/VERSION/bin. Debian's /usr/bin/pgbench is a wrapper that fails when no
   * PostgreSQL version providing pgbench is installed: a candidate counts only when {@code pgbench
   * --version} succeeds.
   */
  static Optional<Path> find(Path given) {
    if (given != null) {
      return Optional.of(given).filter(PgbenchBinary::runs);
    }
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        candidates.add(Path.of(dir.isEmpty() ? "." : dir, "pgbench"));
      }
    }
    Path versions = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(versions)) {
      try (Stream<Path> dirs = Files.list(versions)) {
        dirs.map(dir -> dir.resolve("bin/pgbench"))
            .sorted(Comparator.comparingInt(PgbenchBinary::majorVersion).reversed())
            .forEach(candidates::add);
      } catch (IOException e) {
        // nothing there to use
      }
    }
    return candidates.stream().filter(Files::isExecutable).filter(PgbenchBinary::runs).findFirst();
  }

  private static boolean runs(Path pgbench) {
    try {
      Process process =
          new ProcessBuilder(pgbench.toString(), "--version")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int majorVersion(Path pgbench) {
    try {
      return Integer.parseInt(pgbench.getParent().getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
