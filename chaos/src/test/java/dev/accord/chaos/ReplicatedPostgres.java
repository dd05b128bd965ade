package dev.accord.chaos;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A PostgreSQL primary and a standby streaming its WAL, each in a container on the host network
 * listening on 127.0.0.1 only. The standby is a {@code pg_basebackup} of the primary with {@code
 * primary_conninfo} (application name {@code standby}); with {@link Replication#SYNCHRONOUS} the
 * primary waits for it on every commit ({@code synchronous_standby_names=standby}, {@code
 * synchronous_commit=on}). The standby is started with neither, as a promoted standby of Patroni or
 * CloudNativePG runs until a new standby joins: it does not wait for one that is gone.
 *
 * <p>The image is the official {@code postgres} one or a stand-in that behaves like it (POSTGRES_*
 * variables, Debian's {@code /usr/lib/postgresql/N/bin}).
 */
final class ReplicatedPostgres implements AutoCloseable {
  /** How the primary commits. */
  enum Replication {
    /** A commit returns once the standby has flushed its WAL. */
    SYNCHRONOUS,
    /** A commit returns once the primary has flushed its WAL; the standby follows when it can. */
    ASYNCHRONOUS
  }

  static final String USER = "accord";
  static final String DATABASE = "accord";
  private static final String PASSWORD = "failover-secret";
  private static final Duration START = Duration.ofMinutes(2);

  /**
   * The standby's start: a base backup of the primary on the first start only (a restarted standby
   * keeps its data and resumes replay), then PostgreSQL on its own port.
   */
  private static final String STANDBY_SCRIPT =
      """
      set -e
      bin=$(ls -d /usr/lib/postgresql/*/bin | head -1)
      export PGDATA=/var/lib/postgresql/data
      mkdir -p "$PGDATA" /var/run/postgresql
      chown -R postgres:postgres "$PGDATA" /var/run/postgresql
      chmod 700 "$PGDATA"
      if [ ! -s "$PGDATA/PG_VERSION" ]; then
        su postgres -c "$bin/pg_basebackup -D $PGDATA -R -X stream -c fast \
          -d 'host=127.0.0.1 port=$PRIMARY_PORT user=$PGUSER password=$PGPASSWORD application_name=standby'"
      fi
      exec su postgres -c "exec $bin/postgres -D $PGDATA -c listen_addresses=127.0.0.1 -c port=$PORT"
      """;

  private final GenericContainer<?> primary;
  private final GenericContainer<?> standby;
  private final int primaryPort;
  private final int standbyPort;
  private final Path logDir;
  private boolean promoted;

  private ReplicatedPostgres(
      GenericContainer<?> primary,
      GenericContainer<?> standby,
      int primaryPort,
      int standbyPort,
      Path logDir) {
    this.primary = primary;
    this.standby = standby;
    this.primaryPort = primaryPort;
    this.standbyPort = standbyPort;
    this.logDir = logDir;
  }

  /** Whether a container engine answers (Testcontainers' discovery: DOCKER_HOST, the socket). */
  static boolean engineAnswers() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  /**
   * Starts the primary, then the standby from its base backup, and returns once the standby streams
   * (and, synchronous, is the primary's synchronous standby). Container logs go to {@code logDir}
   * on {@link #close()}.
   */
  static ReplicatedPostgres start(String image, Replication replication, Path logDir)
      throws IOException, SQLException, InterruptedException {
    DockerImageName name = DockerImageName.parse(image).asCompatibleSubstituteFor("postgres");
    int primaryPort = freePort();
    int standbyPort = freePort();
    GenericContainer<?> primary =
        new GenericContainer<>(name)
            .withNetworkMode("host")
            .withEnv("POSTGRES_USER", USER)
            .withEnv("POSTGRES_PASSWORD", PASSWORD)
            .withEnv("POSTGRES_DB", DATABASE)
            .withCommand(primaryOptions(primaryPort, replication))
            // Initialisation's temporary start, then the real one.
            .waitingFor(
                Wait.forLogMessage(".*database system is ready to accept connections.*", 2)
                    .withStartupTimeout(START));
    GenericContainer<?> standby =
        new GenericContainer<>(name)
            .withNetworkMode("host")
            .withEnv("PGUSER", USER)
            .withEnv("PGPASSWORD", PASSWORD)
            .withEnv("PRIMARY_PORT", "" + primaryPort)
            .withEnv("PORT", "" + standbyPort)
            .withCreateContainerCmdModifier(
                command -> command.withEntrypoint("sh", "-c", STANDBY_SCRIPT))
            .waitingFor(
                Wait.forLogMessage(".*started streaming WAL from primary.*", 1)
                    .withStartupTimeout(START));
    ReplicatedPostgres pair =
        new ReplicatedPostgres(primary, standby, primaryPort, standbyPort, logDir);
    try {
      primary.start();
      standby.start();
      if (replication == Replication.SYNCHRONOUS) {
        pair.awaitSynchronousStandby();
      }
      return pair;
    } catch (RuntimeException | SQLException | InterruptedException e) {
      pair.close();
      throw e;
    }
  }

  private static String[] primaryOptions(int port, Replication replication) {
    String common = "postgres -c port=" + port + " -c listen_addresses=127.0.0.1";
    String sync =
        replication == Replication.SYNCHRONOUS
            ? " -c synchronous_standby_names=standby -c synchronous_commit=on"
            : " -c synchronous_commit=on";
    return (common + sync).split(" ");
  }

  private void awaitSynchronousStandby() throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + START.toNanos();
    while (true) {
      try (Connection connection = connect(primaryPort);
          Statement statement = connection.createStatement();
          ResultSet rows =
              statement.executeQuery(
                  "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'")) {
        rows.next();
        if (rows.getInt(1) == 1) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the standby did not become synchronous within " + START);
      }
      Thread.sleep(100);
    }
  }

  /**
   * The URL for {@code ACCORD_BACKEND}: both hosts, the driver connecting to whichever is the
   * primary.
   */
  String backendUrl() {
    return "jdbc:postgresql://127.0.0.1:"
        + primaryPort
        + ",127.0.0.1:"
        + standbyPort
        + "/"
        + DATABASE
        + "?targetServerType=primary&user="
        + USER
        + "&password="
        + PASSWORD;
  }

  /** docker kill: the primary's processes die at once, nothing is flushed or shipped after. */
  void killPrimary() {
    docker().killContainerCmd(primary.getContainerId()).exec();
  }

  /** Stops the standby cleanly (it keeps its data); the primary goes on without it. */
  void stopStandby() {
    docker().stopContainerCmd(standby.getContainerId()).withTimeout(30).exec();
  }

  /** Starts the stopped standby again: it replays what it has and looks for its primary. */
  void startStandby() throws InterruptedException {
    docker().startContainerCmd(standby.getContainerId()).exec();
    long deadline = System.nanoTime() + START.toNanos();
    while (true) {
      try (Connection connection = connect(standbyPort)) {
        return;
      } catch (SQLException notYet) {
        // Starting, or in recovery not yet consistent: ask again until the deadline.
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the standby did not start within " + START, notYet);
        }
      }
      Thread.sleep(100);
    }
  }

  /** Promotes the standby ({@code pg_promote()}, waiting until it accepts writes). */
  void promoteStandby() throws SQLException {
    try (Connection connection = connect(standbyPort);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT pg_promote(true, 60)")) {
      rows.next();
      if (!rows.getBoolean(1)) {
        throw new SQLException("pg_promote() did not finish within 60 s");
      }
    }
    promoted = true;
  }

  /** Whether the standby has replayed all the primary has written so far. */
  boolean standbyCaughtUp() throws SQLException {
    String lsn;
    try (Connection connection = connect(primaryPort);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT pg_current_wal_lsn()::text")) {
      rows.next();
      lsn = rows.getString(1);
    }
    try (Connection connection = connect(standbyPort);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn")) {
      rows.next();
      return rows.getBoolean(1);
    }
  }

  /**
   * Commits {@code count} transactions with a transaction ID each on the primary, as other writers
   * of a busy database do.
   */
  void commitOtherTransactions(int count) throws SQLException {
    try (Connection connection = connect(primaryPort);
        Statement statement = connection.createStatement()) {
      for (int i = 0; i < count; i++) {
        statement.execute("SELECT pg_current_xact_id()");
      }
    }
  }

  /** The store id the server keeps in the current primary: Watch cursors carry it. */
  UUID storeId() throws SQLException {
    try (Connection connection = connect(currentPrimaryPort());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT id FROM accord_store")) {
      rows.next();
      return rows.getObject(1, UUID.class);
    }
  }

  /** Every resource's row in the current primary: {@code namespace/name} to row. */
  Map<String, ResourceRow> resources() throws SQLException {
    Map<String, ResourceRow> rows = new HashMap<>();
    try (Connection connection = connect(currentPrimaryPort());
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

  private int currentPrimaryPort() {
    return promoted ? standbyPort : primaryPort;
  }

  private static Connection connect(int port) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?connectTimeout=5",
        USER,
        PASSWORD);
  }

  private DockerClient docker() {
    return DockerClientFactory.instance().client();
  }

  /** Keeps both containers' logs, then removes the containers. */
  @Override
  public void close() {
    keepLog(primary, "postgres-primary.log");
    keepLog(standby, "postgres-standby.log");
    primary.stop();
    standby.stop();
  }

  private void keepLog(GenericContainer<?> container, String file) {
    if (container.getContainerId() == null) {
      return;
    }
    try {
      Files.writeString(logDir.resolve(file), container.getLogs());
    } catch (IOException | RuntimeException e) {
      System.err.println("could not keep " + file + ": " + e);
    }
  }

  /**
   * A loopback port free a moment ago. Another process could take it before PostgreSQL binds; the
   * container's start then fails loudly.
   */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
