package dev.accord.chaos;

import dev.accord.server.backend.postgres.EmbeddedPostgres;
import dev.accord.server.backend.postgres.PostgresSettings;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL on a data directory of its own that can be crashed and started again: the
 * embedded PostgreSQL the server itself runs (password authentication, fsync on), started once,
 * then stopped with {@code pg_ctl stop -m immediate} (every backend killed, no checkpoint: what a
 * power cut leaves, recovered from the WAL on the next start) and started again by {@code pg_ctl}
 * on the same directory and port.
 */
public final class ChaosPostgres implements AutoCloseable {
  private static final long PG_CTL_TIMEOUT_SECONDS = 120;

  private final EmbeddedPostgres postgres;
  private final PostgresSettings settings;
  private final Path pgData;
  private final Path pgCtl;
  private final Path log;
  private boolean running = true;

  private ChaosPostgres(EmbeddedPostgres postgres, Path pgCtl) {
    this.postgres = postgres;
    this.settings = postgres.settings(1);
    this.pgData = postgres.dataDir().resolve("postgres");
    this.pgCtl = pgCtl;
    this.log = postgres.dataDir().resolve("postgres.log");
  }

  /** Creates and starts a PostgreSQL under {@code dir}. */
  public static ChaosPostgres start(Path dir) throws IOException {
    EmbeddedPostgres postgres = EmbeddedPostgres.start(dir, 0);
    try {
      return new ChaosPostgres(postgres, pgCtlBeside(postgres.dataDir().resolve("postgres")));
    } catch (IOException | RuntimeException e) {
      postgres.close();
      throw e;
    }
  }

  /** zonky extracted pg_ctl next to the postgres binary the running postmaster was started from. */
  private static Path pgCtlBeside(Path pgData) throws IOException {
    List<String> pidFile = Files.readAllLines(pgData.resolve("postmaster.pid"));
    long pid = Long.parseLong(pidFile.get(0).trim());
    String postgresBinary =
        ProcessHandle.of(pid)
            .flatMap(p -> p.info().command())
            .orElseThrow(() -> new IOException("cannot see the command of postmaster " + pid));
    Path pgCtl = Path.of(postgresBinary).resolveSibling("pg_ctl");
    if (!Files.isExecutable(pgCtl)) {
      throw new IOException("no pg_ctl beside " + postgresBinary);
    }
    return pgCtl;
  }

  /** The URL for {@code ACCORD_BACKEND}, credentials included. */
  public String backendUrl() {
    return settings.jdbcUrl()
        + (settings.jdbcUrl().contains("?") ? "&" : "?")
        + "password="
        + settings.password();
  }

  public int port() {
    return postgres.port();
  }

  /** Kills PostgreSQL as a crash would: {@code pg_ctl stop -m immediate}. */
  public synchronized void crash() throws IOException, InterruptedException {
    pgCtl("stop", "-m", "immediate");
    running = false;
  }

  /** Starts it again on the same directory and port; returns once it accepts connections. */
  public synchronized void restart() throws IOException, InterruptedException {
    pgCtl(
        "start",
        "-l",
        log.toString(),
        "-o",
        "-p "
            + port()
            + " -c listen_addresses=localhost -c fsync=on -c synchronous_commit=on"
            + " -c max_connections=100");
    running = true;
  }

  public synchronized boolean isRunning() {
    return running;
  }

  /** Every resource's row, read straight from the table: {@code namespace/name} to row. */
  public Map<String, ResourceRow> resources() throws SQLException {
    Map<String, ResourceRow> rows = new HashMap<>();
    try (Connection connection =
            DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT namespace, name, num_acquired, done_at IS NOT NULL FROM accord_resource")) {
      while (result.next()) {
        String resource = result.getString(1) + "/" + result.getString(2);
        rows.put(resource, new ResourceRow(resource, result.getLong(3), result.getBoolean(4)));
      }
    }
    return rows;
  }

  private void pgCtl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    // PostgreSQL refuses to run as root: as root zonky runs it in a user namespace of its own, so
    // pg_ctl goes there too.
    if (LinuxUtils.isUnshareAvailable()) {
      command.addAll(List.of("unshare", "-U"));
    }
    command.addAll(
        List.of(
            pgCtl.toString(), "-D", pgData.toString(), "-w", "-t", "" + PG_CTL_TIMEOUT_SECONDS));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!process.waitFor(PG_CTL_TIMEOUT_SECONDS + 10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("pg_ctl " + args[0] + " did not finish; see " + log);
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          "pg_ctl " + args[0] + " exited with " + process.exitValue() + "; see " + log);
    }
  }

  /** Stops PostgreSQL (starting it first if a crash left it down, so zonky's stop finds it). */
  @Override
  public void close() throws IOException {
    try {
      if (!isRunning()) {
        restart();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while restarting PostgreSQL to stop it", e);
    } finally {
      postgres.close();
    }
  }
}
