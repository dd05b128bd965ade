package dev.accord.server.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.GrantRef;
import dev.accord.server.backend.HandleId;
import dev.accord.server.backend.HandleKey;
import dev.accord.server.backend.RenewCommand;
import dev.accord.server.backend.Resource;
import dev.accord.server.testing.TestPostgres;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The handle key lives in the database: one per database, drawn once, kept across restarts. */
class PostgresHandleKeyTest {
  private static final GrantRef PROBE = new GrantRef(1, 1, 1);

  @Test
  void handleIdsStayValidAcrossARestart() {
    PostgresSettings database = TestPostgres.newDatabase(4);
    Resource grant;
    HandleKey before;
    try (PostgresBackend first = PostgresBackend.open(database)) {
      grant = first.acquire(new AcquireCommand("alice", "ns", "r", 60, Map.of())).resource();
      before = first.handleKey();
    }
    try (PostgresBackend restarted = PostgresBackend.open(database)) {
      assertThat(restarted.handleKey().seal(PROBE)).isEqualTo(before.seal(PROBE));
      restarted.renew(new RenewCommand("alice", grant.handleId(), 60, Map.of()));
      restarted.done(new DoneCommand("alice", grant.handleId(), Map.of()));
    }
  }

  @Test
  void replicasMigratingAnEmptyDatabaseAtOnceShareOneKey() throws Exception {
    PostgresSettings database = TestPostgres.newDatabase(4);
    ExecutorService starts = Executors.newFixedThreadPool(3);
    try (PostgresBackend a = PostgresBackend.open(database);
        PostgresBackend b = PostgresBackend.open(database);
        PostgresBackend c = PostgresBackend.open(database)) {
      List<Callable<HandleKey>> keys = List.of(a::handleKey, b::handleKey, c::handleKey);
      List<Future<HandleKey>> started = starts.invokeAll(keys);

      HandleId probe = started.get(0).get().seal(PROBE);
      for (Future<HandleKey> key : started) {
        assertThat(key.get().seal(PROBE)).isEqualTo(probe);
      }
    } finally {
      starts.shutdownNow();
    }
  }

  @Test
  void twoDatabasesHaveTwoKeys() {
    try (PostgresBackend one = PostgresBackend.open(TestPostgres.newDatabase(2));
        PostgresBackend two = PostgresBackend.open(TestPostgres.newDatabase(2))) {
      assertThat(one.handleKey().seal(PROBE)).isNotEqualTo(two.handleKey().seal(PROBE));
    }
  }
}
