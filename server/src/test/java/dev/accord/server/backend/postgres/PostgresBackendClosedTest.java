package dev.accord.server.backend.postgres;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.BackendUnavailableException;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.HandleId;
import dev.accord.server.testing.TestPostgres;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresBackendClosedTest {
  @Test
  void callsReachingAClosedBackendAreUnavailableNotBugs() {
    PostgresBackend backend = PostgresBackend.open(TestPostgres.newDatabase(4));
    backend.migrate();
    backend.close();

    assertThatThrownBy(() -> backend.acquire(new AcquireCommand("o", "ns", "n", 60, Map.of())))
        .isInstanceOf(BackendUnavailableException.class);
    assertThatThrownBy(() -> backend.done(new DoneCommand("o", new HandleId(1, 1), Map.of())))
        .isInstanceOf(BackendUnavailableException.class);
  }
}
