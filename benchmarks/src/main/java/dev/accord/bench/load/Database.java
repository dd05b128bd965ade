package dev.accord.bench.load;

import dev.accord.server.backend.postgres.EmbeddedPostgres;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.backend.postgres.PostgresSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The one PostgreSQL every mode of a run uses: the server module's embedded PostgreSQL (in a
 * temporary directory or the one given), or an existing database. Holds one connection of its own,
 * for seeding and for facts.
 */
final class Database implements AutoCloseable {
  /**
   * Rows per seeding statement (each its own transaction, as done marks come in many transactions).
   */
  private static final int SEED_BATCH = 10_000;

  /**
   * Seeds resources as real calls leave them: what DONE_SQL sets for done ones, a released lease
   * for the rest.
   */
  private static final String SEED_SQL =
      """
      INSERT INTO accord_resource AS r (namespace, name, owner, num_acquired, grant_nonce, expires_at, done_at, done_xid)
      SELECT ?, s.name, ?, 1, s.nonce,
             CASE WHEN s.done THEN now() + ? * interval '1 second' ELSE now() END,
             CASE WHEN s.done THEN now() END,
             CASE WHEN s.done THEN pg_current_xact_id() END
        FROM unnest(?::text[], ?::int[], ?::boolean[]) AS s(name, nonce, done)""";

  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final String serverBackend;
  private final Map<String, String> libpqEnvironment;
  private final String description;
  private final EmbeddedPostgres embedded;
  private final Path temporaryDir;
  private final Connection connection;

  private Database(
      String jdbcUrl,
      String user,
      String password,
      String serverBackend,
      String description,
      EmbeddedPostgres embedded,
      Path temporaryDir)
      throws SQLException {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.serverBackend = serverBackend;
    this.description = description;
    this.embedded = embedded;
    this.temporaryDir = temporaryDir;
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    properties.setProperty("ApplicationName", "accord-bench");
    this.connection = DriverManager.getConnection(jdbcUrl, properties);
    this.libpqEnvironment = libpqEnvironment(connection, password, jdbcUrl);
  }

  /**
   * Starts the embedded PostgreSQL in {@code dataDir}, or in a temporary directory removed at close
   * when null.
   */
  static Database embedded(Path dataDir) throws IOException, SQLException {
    Path temporary = dataDir == null ? Files.createTempDirectory("accord-bench-") : null;
    Path dir = dataDir == null ? temporary : dataDir;
    EmbeddedPostgres postgres = EmbeddedPostgres.start(dir, 0);
    try {
      PostgresSettings settings = postgres.settings(1);
      return new Database(
          settings.jdbcUrl(),
          settings.user(),
          settings.password(),
          // The generated password is hex: nothing in it needs escaping in a URL.
          "postgres://"
              + settings.user()
              + ":"
              + settings.password()
              + "@localhost:"
              + postgres.port()
              + "/postgres",
          "embedded PostgreSQL in "
              + dir.toAbsolutePath().normalize()
              + " (port "
              + postgres.port()
              + ")",
          postgres,
          temporary);
    } catch (SQLException | RuntimeException e) {
      postgres.close();
      throw e;
    }
  }

  /**
   * An existing database, given as for ACCORD_BACKEND: {@code postgres://...} or {@code
   * jdbc:postgresql://...}.
   */
  static Database external(String url) throws SQLException {
    PostgresSettings settings = PostgresSettings.parse(url, 1);
    return new Database(
        settings.jdbcUrl(),
        settings.user(),
        settings.password(),
        url,
        "PostgreSQL " + settings.describe(),
        null,
        null);
  }

  /** Where pgbench connects: libpq's variables, for the database this connection reached. */
  private static Map<String, String> libpqEnvironment(
      Connection connection, String password, String jdbcUrl) throws SQLException {
    Map<String, String> env = new LinkedHashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT host(inet_server_addr()), inet_server_port(), current_database(), current_user")) {
      rows.next();
      env.put("PGHOST", rows.getString(1) == null ? "localhost" : rows.getString(1));
      env.put("PGPORT", rows.getString(2) == null ? "5432" : rows.getString(2));
      env.put("PGDATABASE", rows.getString(3));
      env.put("PGUSER", rows.getString(4));
    }
    String pass = password != null ? password : queryParameter(jdbcUrl, "password");
    if (pass != null) {
      env.put("PGPASSWORD", pass);
    }
    String sslMode = queryParameter(jdbcUrl, "sslmode");
    if (sslMode != null) {
      env.put("PGSSLMODE", sslMode);
    }
    return env;
  }

  private static String queryParameter(String url, String name) {
    int query = url.indexOf('?');
    if (query < 0) {
      return null;
    }
    for (String pair : url.substring(query + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equalsIgnoreCase(name)) {
        return java.net.URLDecoder.decode(
            pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** The value of ACCORD_BACKEND for a server on this database. */
  String serverBackend() {
    return serverBackend;
  }

  /**
   * libpq's PGHOST, PGPORT, PGDATABASE, PGUSER (and PGPASSWORD, PGSSLMODE when needed) for this
   * database.
   */
  Map<String, String> libpqEnvironment() {
    return libpqEnvironment;
  }

  String describe() {
    return description;
  }

  boolean isEmbedded() {
    return embedded != null;
  }

  PostgresSettings settings(int poolSize) {
    return new PostgresSettings(jdbcUrl, user, password, poolSize);
  }

  /** Creates database {@code name} on this PostgreSQL unless it exists. */
  void createDatabaseIfMissing(String name) throws SQLException {
    try (PreparedStatement exists =
        connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, name);
      try (ResultSet rows = exists.executeQuery()) {
        if (rows.next()) {
          return;
        }
      }
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
    }
  }

  /** A new connection to database {@code name} on this PostgreSQL, as this run's user. */
  Connection connect(String name) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", libpqEnvironment.get("PGUSER"));
    if (libpqEnvironment.containsKey("PGPASSWORD")) {
      properties.setProperty("password", libpqEnvironment.get("PGPASSWORD"));
    }
    if (libpqEnvironment.containsKey("PGSSLMODE")) {
      properties.setProperty("sslmode", libpqEnvironment.get("PGSSLMODE"));
    }
    properties.setProperty("ApplicationName", "accord-bench");
    String host = libpqEnvironment.get("PGHOST");
    return DriverManager.getConnection(
        "jdbc:postgresql://"
            + (host.contains(":") ? "[" + host + "]" : host)
            + ":"
            + libpqEnvironment.get("PGPORT")
            + "/"
            + name,
        properties);
  }

  /** Creates or migrates the schema, as a server does at its start. */
  void migrate() {
    try (PostgresBackend backend = PostgresBackend.open(settings(1))) {
      backend.migrate();
    }
  }

  /** Version and the settings that decide what a commit costs. */
  Map<String, String> facts() throws SQLException {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("source", isEmbedded() ? "embedded (io.zonky.test)" : "external");
    for (String setting :
        new String[] {
          "server_version",
          "synchronous_commit",
          "fsync",
          "wal_sync_method",
          "full_page_writes",
          "max_connections",
          "shared_buffers"
        }) {
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SHOW " + setting)) {
        rows.next();
        facts.put(setting, rows.getString(1));
      }
    }
    return facts;
  }

  /**
   * Connections a new client may still open: max_connections less the client connections open now.
   */
  int freeConnections() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT current_setting('max_connections')::int"
                    + " - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  /**
   * Flushes dirty pages now, so no cell pays for the checkpoint its predecessor's writes would
   * cause.
   */
  void checkpoint() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CHECKPOINT");
    }
  }

  /**
   * Inserts {@code count} resources named "0" … "count-1" into {@code namespace}: {@code
   * donePercent} of them, chosen at random, done (as DONE_SQL leaves a resource: done_at,
   * done_xid), the others with a released lease (as Renew with ttl 0 leaves one), each granted once
   * to {@code owner}. Then vacuums and analyzes the table, so the planner knows the rows and
   * autovacuum has no reason to wake up over them during the cell.
   */
  void seed(String namespace, int count, int donePercent, int ttlSeconds, String owner, long seed)
      throws SQLException {
    Random random = new Random(seed);
    int pending = count - (int) Math.round(count * donePercent / 100.0);
    BitSet notDone = new BitSet(count);
    while (notDone.cardinality() < pending) {
      notDone.set(random.nextInt(count));
    }
    try (PreparedStatement statement = connection.prepareStatement(SEED_SQL)) {
      for (int first = 0; first < count; first += SEED_BATCH) {
        int size = Math.min(SEED_BATCH, count - first);
        String[] names = new String[size];
        Integer[] nonces = new Integer[size];
        Boolean[] done = new Boolean[size];
        for (int i = 0; i < size; i++) {
          names[i] = Integer.toString(first + i);
          nonces[i] = random.nextInt();
          done[i] = !notDone.get(first + i);
        }
        statement.setString(1, namespace);
        statement.setString(2, owner);
        statement.setInt(3, ttlSeconds);
        statement.setArray(4, connection.createArrayOf("text", names));
        statement.setArray(5, connection.createArrayOf("int4", nonces));
        statement.setArray(6, connection.createArrayOf("bool", done));
        statement.executeUpdate();
      }
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("VACUUM (ANALYZE) accord_resource");
    }
  }

  @Override
  public void close() throws IOException {
    try {
      connection.close();
    } catch (SQLException e) {
      // closing anyway
    }
    if (embedded != null) {
      embedded.close();
    }
    if (temporaryDir != null) {
      deleteTree(temporaryDir);
    }
  }

  static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove " + root, e);
    }
  }
}
