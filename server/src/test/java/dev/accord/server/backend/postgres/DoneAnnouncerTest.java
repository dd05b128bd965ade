package dev.accord.server.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.Resource;
import dev.accord.server.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Done hints travel after the mark's commit, from their own sender: a listener on another
 * connection hears each namespace marked, and a send that fails does not stop the ones after it.
 */
class DoneAnnouncerTest {
  private PostgresSettings database;
  private Connection listening;
  private final Set<String> heard = new HashSet<>();

  @BeforeEach
  void listen() throws SQLException {
    database = TestPostgres.newDatabase(4);
    listening = TestPostgres.connect(database);
    try (Statement statement = listening.createStatement()) {
      statement.execute("LISTEN " + DoneNotifier.CHANNEL);
    }
  }

  @AfterEach
  void close() throws SQLException {
    listening.close();
  }

  @Test
  void aListenerHearsTheNamespaceOfAMarkMadeAloneAndOfMarksMadeInABatch() throws Exception {
    try (PostgresBackend alone = PostgresBackend.open(database)) {
      Resource resource =
          alone.acquire(new AcquireCommand("w", "alone", "a", 60, Map.of())).resource();
      alone.done(new DoneCommand("w", resource.handleId(), Map.of()));
      awaitHeard("alone");
    }
    // batchFrom 1: even one mark goes through the batch statement.
    try (PostgresBackend batched = PostgresBackend.open(database, "batched", () -> {}, 1)) {
      Resource resource =
          batched.acquire(new AcquireCommand("w", "batched", "b", 60, Map.of())).resource();
      batched.done(new DoneCommand("w", resource.handleId(), Map.of()));
      awaitHeard("batched");
    }
  }

  @Test
  void eachNamespaceAnnouncedIsHeard() throws Exception {
    try (DoneAnnouncer announcer = new DoneAnnouncer(dataSource(new AtomicBoolean()))) {
      announcer.announce("one");
      announcer.announce("two");
      announcer.announce("one");
      awaitHeard("one", "two");
    }
  }

  @Test
  void aFailedSendDoesNotStopTheSendsAfterIt() throws Exception {
    AtomicBoolean down = new AtomicBoolean(true);
    try (DoneAnnouncer announcer = new DoneAnnouncer(dataSource(down))) {
      announcer.announce("lost");
      down.set(false);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                announcer.announce("after");
                assertThat(poll()).contains("after");
              });
    }
  }

  /** The test database, or a refused connection while {@code down} is set. */
  private PGSimpleDataSource dataSource(AtomicBoolean down) {
    PGSimpleDataSource source =
        new PGSimpleDataSource() {
          @Override
          public Connection getConnection() throws SQLException {
            if (down.get()) {
              throw new SQLException("Connection refused", "08001");
            }
            return TestPostgres.connect(database);
          }
        };
    source.setURL(database.jdbcUrl());
    return source;
  }

  private void awaitHeard(String... namespaces) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(poll()).contains(namespaces));
  }

  private Set<String> poll() throws SQLException {
    PGNotification[] notifications = listening.unwrap(PGConnection.class).getNotifications(100);
    if (notifications != null) {
      for (PGNotification notification : notifications) {
        heard.add(notification.getParameter());
      }
    }
    return heard;
  }
}
