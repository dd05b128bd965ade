package dev.accord.server.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.server.backend.AcquireAnswer.Outcome;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.Resource;
import dev.accord.server.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The schema comes up from an empty database and from every earlier version, keeping what was
 * stored.
 */
class SchemaMigrationTest {
  /** One connection: the schema must come up even on the smallest pool. */
  private static final int POOL = 1;

  @Test
  void anEmptyDatabaseIsMigratedToTheLatestVersionOnFirstUse() throws SQLException {
    PostgresSettings database = TestPostgres.newDatabase(POOL);
    try (PostgresBackend backend = PostgresBackend.open(database)) {
      assertThat(backend.acquire(new AcquireCommand("alice", "ns", "r", 60, Map.of())).outcome())
          .isEqualTo(Outcome.GRANTED);
    }
    assertThat(appliedVersion(database)).isEqualTo(latestVersion());
  }

  /**
   * For every version this build knows (the latest too): bring a fresh database to exactly that
   * version, store a resource with plain SQL of that version's shape, then let the backend start:
   * it must migrate to the latest version and still see the resource, done.
   */
  @TestFactory
  Stream<DynamicTest> everyEarlierVersionMigratesToTheLatestKeepingItsData() {
    return knownVersions().stream()
        .map(
            version ->
                DynamicTest.dynamicTest(
                    "from version " + version,
                    () -> {
                      PostgresSettings database = TestPostgres.newDatabase(POOL);
                      configure(database).target(version).load().migrate();
                      try (PostgresBackend old = PostgresBackend.open(database)) {
                        try (Connection connection = old.dataSource().getConnection();
                            Statement statement = connection.createStatement()) {
                          // Written against the version-1 columns, which every later version must
                          // keep readable.
                          statement.execute(
                              "INSERT INTO accord_resource (namespace, name, owner, num_acquired, grant_nonce,"
                                  + " expires_at, done_at) VALUES ('ns', 'old', 'alice', 3, 7, now(), now())");
                        }
                      }
                      try (PostgresBackend current = PostgresBackend.open(database)) {
                        var result =
                            current.acquire(new AcquireCommand("bob", "ns", "old", 60, Map.of()));
                        assertThat(result.outcome()).isEqualTo(Outcome.DONE);
                        assertThat(result.resource().numAcquired()).isEqualTo(3);
                        // Counted whether it was stored before the counts existed or after.
                        assertThat(current.stats("ns").done()).isEqualTo(1);
                      }
                      assertThat(appliedVersion(database)).isEqualTo(latestVersion());
                    }));
  }

  @Test
  void aSchemaNewerThanThisBuildIsAcceptedSoOldReplicasKeepServingDuringARollout()
      throws SQLException {
    PostgresSettings database = TestPostgres.newDatabase(POOL);
    try (PostgresBackend backend = PostgresBackend.open(database)) {
      backend.migrate();
      try (Connection connection = backend.dataSource().getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute(
            "INSERT INTO "
                + SchemaMigrator.HISTORY_TABLE
                + " (installed_rank, version, description,"
                + " type, script, checksum, installed_by, execution_time, success)"
                + " VALUES (999, '999', 'from a newer build', 'SQL', 'V999__newer.sql', 0, 'test', 0, true)");
      }
    }
    try (PostgresBackend older = PostgresBackend.open(database)) {
      Resource grant =
          older.acquire(new AcquireCommand("alice", "ns", "r", 60, Map.of())).resource();
      older.done(new DoneCommand("alice", grant.handleId(), Map.of()));
    }
  }

  private static FluentConfiguration configure(PostgresSettings database) {
    return Flyway.configure().configuration(SchemaMigrator.flyway(database).getConfiguration());
  }

  /**
   * The versions this build's migrations define, oldest first, as Flyway sees them against an empty
   * database.
   */
  private static List<MigrationVersion> knownVersions() {
    return Arrays.stream(SchemaMigrator.flyway(TestPostgres.newDatabase(1)).info().all())
        .map(MigrationInfo::getVersion)
        .toList();
  }

  private static MigrationVersion latestVersion() {
    List<MigrationVersion> versions = knownVersions();
    return versions.get(versions.size() - 1);
  }

  private static MigrationVersion appliedVersion(PostgresSettings database) throws SQLException {
    try (Connection connection = TestPostgres.connect(database);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT version FROM "
                    + SchemaMigrator.HISTORY_TABLE
                    + " WHERE success ORDER BY installed_rank DESC LIMIT 1")) {
      assertThat(rows.next()).isTrue();
      return MigrationVersion.fromVersion(rows.getString(1));
    }
  }
}
