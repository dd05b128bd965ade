package dev.accord.server.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import dev.accord.server.backend.GrantRef;
import dev.accord.server.backend.Resource;
import dev.accord.server.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The case the horizon exists for: a done mark whose transaction began earlier but commits later
 * than another's. A cursor that moved past the later one on commit order would skip the earlier one
 * forever.
 */
class PostgresDoneStreamTest {
  private PostgresSettings database;
  private PostgresBackend backend;

  @BeforeEach
  void open() {
    database = TestPostgres.newDatabase(4);
    backend = PostgresBackend.open(database);
  }

  @AfterEach
  void close() {
    backend.close();
  }

  @Test
  void aMarkCommittedLateIsDeliveredBeforeTheCursorPassesIt() throws Exception {
    Resource slow =
        backend.acquire(new AcquireCommand("alice", "ns", "slow", 60, Map.of())).resource();
    Resource fast =
        backend.acquire(new AcquireCommand("alice", "ns", "fast", 60, Map.of())).resource();
    DoneCursor cursor = backend.currentDoneCursor();
    List<String> seen = new ArrayList<>();

    try (Connection open = TestPostgres.connect(database)) {
      open.setAutoCommit(false);
      // Mark "slow" done in a transaction that stays open: it holds the older transaction ID.
      try (PreparedStatement statement = open.prepareStatement(Statements.DONE_SQL)) {
        statement.setArray(1, open.createArrayOf("text", new String[0]));
        statement.setArray(2, open.createArrayOf("text", new String[0]));
        GrantRef grant = backend.handleKey().open(slow.handleId());
        statement.setLong(3, grant.resourceId());
        statement.setLong(4, grant.grant());
        statement.setInt(5, grant.nonce());
        statement.setString(6, "alice");
        statement.setString(7, "");
        assertThat(statement.executeQuery().next()).isTrue();
      }
      backend.done(new DoneCommand("alice", fast.handleId(), Map.of()));

      DonePage whileOpen = backend.donesAfter("ns", cursor, 100);
      assertThat(whileOpen.names()).as("nothing may pass the open transaction").isEmpty();
      assertThat(whileOpen.morePending()).as("the committed mark waits past the horizon").isTrue();
      cursor = whileOpen.next();

      open.commit();
    }

    DonePage page;
    do {
      page = backend.donesAfter("ns", cursor, 100);
      seen.addAll(page.names());
      cursor = page.next();
    } while (page.morePending() || seen.size() < 2);
    assertThat(seen).containsExactly("slow", "fast");
  }
}
