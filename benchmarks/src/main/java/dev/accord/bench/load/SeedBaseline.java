package dev.accord.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The seed baseline (mode seed): the Go implementation's design (bsm/accord's PostgreSQL backend:
 * its table and one statement per call, copied into {@code baselines/} of this jar with where it
 * comes from) run by pgbench in a database of its own, {@value #DATABASE}, on the run's PostgreSQL.
 * Its script covers workload a (fresh names, acquire + done).
 */
final class SeedBaseline {
  static final String DATABASE = "accord_seed";

  private final Database db;
  private final String schema;
  private final Path script;

  private SeedBaseline(Database db, String schema, Path script) {
    this.db = db;
    this.schema = schema;
    this.script = script;
  }

  /**
   * Creates {@value #DATABASE} when missing and writes the pgbench script into {@code dir}.
   *
   * @throws SQLException when the run's user may not create the database
   */
  static SeedBaseline prepare(Database db, Path dir) throws SQLException, IOException {
    db.createDatabaseIfMissing(DATABASE);
    Path script = dir.resolve("seed-acquire-done.sql");
    Files.writeString(script, resource("seed-acquire-done.sql"));
    return new SeedBaseline(db, resource("seed-schema.sql"), script);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = SeedBaseline.class.getResourceAsStream("/baselines/" + name)) {
      if (in == null) {
        throw new IOException("baselines/" + name + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Drops and creates the seed's table, so each cell starts on an empty one, as a fresh run. */
  void resetTable() throws SQLException {
    try (Connection connection = db.connect(DATABASE);
        Statement statement = connection.createStatement()) {
      statement.execute(schema);
      statement.execute("CHECKPOINT");
    }
  }

  Path script() {
    return script;
  }

  /** libpq's variables for {@value #DATABASE}. */
  Map<String, String> libpqEnvironment() {
    Map<String, String> env = new LinkedHashMap<>(db.libpqEnvironment());
    env.put("PGDATABASE", DATABASE);
    return env;
  }
}
