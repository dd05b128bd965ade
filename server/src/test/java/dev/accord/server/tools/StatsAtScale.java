package dev.accord.server.tools;

import dev.accord.server.backend.NamespaceStats;
import dev.accord.server.backend.ResetCommand;
import dev.accord.server.backend.postgres.EmbeddedPostgres;
import dev.accord.server.backend.postgres.PostgresBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import javax.sql.DataSource;

/**
 * Measures Stats on one namespace of a million rows in an embedded PostgreSQL, and what the
 * operations schema costs the write path: a tool run by hand (see the operations README), not a
 * test. Prints its figures; asserts nothing.
 *
 * <p>Run: {@code java -cp <server test classpath> dev.accord.server.tools.StatsAtScale [rows]}.
 */
public final class StatsAtScale {
  private static final String NS = "daily-1";

  private StatsAtScale() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = Files.createTempDirectory("accord-stats-pg-");
    try (EmbeddedPostgres postgres = EmbeddedPostgres.start(dir, 0);
        PostgresBackend backend = PostgresBackend.open(postgres.settings(4))) {
      backend.migrate();
      DataSource pool = backend.dataSource();
      int held = rows / 1000;
      int pending = rows / 100 - held;
      int done = rows - pending - held;
      long insertMillis =
          sql(
              pool,
              """
              INSERT INTO accord_resource (namespace, name, owner, num_acquired, grant_nonce, expires_at, done_at,
                                           done_xid)
              SELECT '%s', 'file-' || g, 'w', 1, 1,
                     CASE WHEN g > %d THEN now() + interval '1 hour' ELSE now() - interval '1 hour' END,
                     CASE WHEN g <= %d THEN now() - g * interval '1 ms' END,
                     CASE WHEN g <= %d THEN pg_current_xact_id() END
                FROM generate_series(1, %d) g"""
                  .formatted(NS, rows - held, done, done, rows));
      // Another namespace as large, done, as yesterday's run would leave it.
      sql(
          pool,
          """
          INSERT INTO accord_resource (namespace, name, owner, num_acquired, grant_nonce, expires_at, done_at,
                                       done_xid)
          SELECT 'daily-0', 'file-' || g, 'w', 1, 1, now() - interval '1 day', now() - interval '1 day',
                 pg_current_xact_id()
            FROM generate_series(1, %d) g"""
              .formatted(rows));
      sql(pool, "VACUUM ANALYZE accord_resource");
      System.out.printf(
          "%,d rows in %s (%,d done, %,d pending, %,d held) inserted in %,d ms, next to %,d done in"
              + " daily-0%n",
          rows, NS, done, pending, held, insertMillis, rows);
      measureStats(backend, "mostly done");

      long resetMillis = timed(() -> backend.reset(ResetCommand.all(NS)));
      sql(pool, "VACUUM ANALYZE accord_resource");
      System.out.printf("reset --all of %,d done rows: %,d ms%n", done, resetMillis);
      measureStats(backend, "all pending after reset --all");

      measureWriteCost(pool, rows / 10);
    }
  }

  private static void measureStats(PostgresBackend backend, String shape) {
    for (int i = 0; i < 3; i++) {
      backend.stats(NS); // warm the cache and the plan
    }
    long[] micros = new long[21];
    NamespaceStats stats = null;
    for (int i = 0; i < micros.length; i++) {
      long start = System.nanoTime();
      stats = backend.stats(NS);
      micros[i] = (System.nanoTime() - start) / 1_000;
    }
    Arrays.sort(micros);
    if (Boolean.getBoolean("explain")) {
      explain(backend.dataSource());
    }
    System.out.printf(
        "stats (%s): median %.1f ms, max %.1f ms over %d calls: %s%n",
        shape,
        micros[micros.length / 2] / 1000.0,
        micros[micros.length - 1] / 1000.0,
        micros.length,
        stats);
  }

  /**
   * The write path's extra cost: inserting rows (set-based) with and without the floor and count
   * triggers, single-row renewals and done marks with and without them, and marking rows done
   * (set-based) with and without the two partial indexes.
   */
  private static void measureWriteCost(DataSource pool, int rows) throws SQLException {
    String insert =
        """
        INSERT INTO accord_resource (namespace, name, owner, num_acquired, grant_nonce, expires_at)
        SELECT '%s', 'file-' || g, 'w', 1, 1, now() + interval '1 hour' FROM generate_series(1, %d) g""";
    String markDone =
        "UPDATE accord_resource SET done_at = now(), done_xid = pg_current_xact_id() WHERE namespace = '%s'";
    long withTriggers = sql(pool, insert.formatted("with-triggers", rows));
    sql(pool, "ALTER TABLE accord_resource DISABLE TRIGGER USER");
    long withoutTriggers = sql(pool, insert.formatted("without-triggers", rows));
    sql(pool, "ALTER TABLE accord_resource ENABLE TRIGGER USER");
    sql(pool, "VACUUM ANALYZE accord_resource");
    long[] perStatement = new long[4];
    for (int i = 0; i < 2; i++) {
      // Warm up once, then measure: single-row statements as renewals and done marks send them.
      perStatement[0] =
          singleRowMicros(
              pool, "UPDATE accord_resource SET expires_at = now() + interval '1 hour'");
      perStatement[1] =
          singleRowMicros(
              pool, "UPDATE accord_resource SET done_at = now(), done_xid = pg_current_xact_id()");
      sql(pool, "ALTER TABLE accord_resource DISABLE TRIGGER USER");
      perStatement[2] =
          singleRowMicros(
              pool, "UPDATE accord_resource SET expires_at = now() + interval '1 hour'");
      perStatement[3] =
          singleRowMicros(
              pool, "UPDATE accord_resource SET done_at = now(), done_xid = pg_current_xact_id()");
      sql(pool, "ALTER TABLE accord_resource ENABLE TRIGGER USER");
    }
    System.out.printf(
        "single-row update statements, µs each: renewal %d with the triggers, %d without; done mark %d with, %d"
            + " without%n",
        perStatement[0], perStatement[2], perStatement[1], perStatement[3]);
    long doneWithIndexes = sql(pool, markDone.formatted("with-triggers"));
    sql(pool, "DROP INDEX accord_resource_done_at, accord_resource_not_done");
    long doneWithoutIndexes = sql(pool, markDone.formatted("without-triggers"));
    System.out.printf(
        "insert of %,d rows: %,d ms with the floor triggers, %,d ms without (%.2f µs a row more)%n",
        rows, withTriggers, withoutTriggers, (withTriggers - withoutTriggers) * 1000.0 / rows);
    System.out.printf(
        "done of %,d rows: %,d ms with the two partial indexes, %,d ms without (%.2f µs a row more)%n",
        rows,
        doneWithIndexes,
        doneWithoutIndexes,
        (doneWithIndexes - doneWithoutIndexes) * 1000.0 / rows);
  }

  private static void explain(DataSource pool) {
    String stats =
        dev.accord.server.backend.postgres.AdminStatementsAccess.statsSql()
            .replaceFirst("\\?", "'" + NS + "'")
            .replaceFirst("\\?", "'" + NS + "'")
            .replaceFirst("\\?", "'" + NS + "'");
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement();
        java.sql.ResultSet plan = statement.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + stats)) {
      while (plan.next()) {
        System.out.println("  " + plan.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs {@code update} on 5,000 single rows of the namespace "with-triggers", one statement each,
   * in one transaction rolled back (so commits are not measured and the rows stay as they were);
   * returns the mean microseconds a statement.
   */
  private static long singleRowMicros(DataSource pool, String update) throws SQLException {
    int statements = 5_000;
    try (Connection connection = pool.getConnection();
        java.sql.PreparedStatement statement =
            connection.prepareStatement(
                update + " WHERE namespace = 'with-triggers' AND name = 'file-' || ?")) {
      connection.setAutoCommit(false);
      long start = System.nanoTime();
      for (int i = 1; i <= statements; i++) {
        statement.setInt(1, i);
        statement.executeUpdate();
      }
      long micros = (System.nanoTime() - start) / 1_000 / statements;
      connection.rollback();
      connection.setAutoCommit(true);
      return micros;
    }
  }

  private static long sql(DataSource pool, String sql) throws SQLException {
    long start = System.nanoTime();
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static long timed(Runnable action) {
    long start = System.nanoTime();
    action.run();
    return (System.nanoTime() - start) / 1_000_000;
  }
}
