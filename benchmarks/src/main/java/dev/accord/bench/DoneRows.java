package dev.accord.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The done names {@link CacheWarmTime} times the reading of: its data set, inserted in SQL. */
final class DoneRows {

  private DoneRows() {}

  /**
   * Rows exactly as acquire and then done leave them: one grant (num_acquired 1, a random nonce),
   * the lease's expiry, done_at and done_xid (the marking transaction; here one for all), empty
   * metadata. Names have the shape every benchmark uses ({@link Names#present}).
   */
  static void insert(DataSource db, String namespace, int names) throws SQLException {
    try (Connection connection = db.getConnection()) {
      // The pool's socket timeout is sized for the server's statements, not for a million-row
      // insert on a busy disk.
      connection.setNetworkTimeout(Runnable::run, 0);
      try (PreparedStatement insert =
          connection.prepareStatement(
              """
              INSERT INTO accord_resource
                (namespace, name, owner, num_acquired, grant_nonce, expires_at, done_at, done_xid,
                 metadata)
              SELECT ?, 'team-' || (i % 50) || '/job-' || i, 'warm-worker-' || (i % 16), 1,
                     floor(random() * 4294967296 - 2147483648)::int,
                     now() + interval '10 minutes', now(), pg_current_xact_id(), '{}'::jsonb
                FROM generate_series(0, ? - 1) AS i""")) {
        insert.setString(1, namespace);
        insert.setInt(2, names);
        int inserted = insert.executeUpdate();
        if (inserted != names) {
          throw new IllegalStateException("inserted " + inserted + " rows, wanted " + names);
        }
      }
      // What autovacuum would have done by the time a real table held this many done rows: hint
      // bits set, statistics for the planner.
      try (Statement vacuum = connection.createStatement()) {
        vacuum.execute("VACUUM ANALYZE accord_resource");
      }
    }
  }
}
