package dev.accord.server.backend.postgres;

import dev.accord.server.backend.AdminContract;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.BackendContract;
import dev.accord.server.backend.HandleKey;
import dev.accord.server.testing.ContainerPostgres;
import dev.accord.server.testing.TestPostgres;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The backend and Admin contracts on each PostgreSQL image of {@link ContainerPostgres}: the
 * versions users run, where the rest of the suite uses the embedded PostgreSQL. The contracts are
 * nested so that each runs once per image, after the image is known.
 */
@EnabledIf(value = ContainerPostgres.ENGINE_ANSWERS, disabledReason = ContainerPostgres.SKIPPED)
@ParameterizedClass(name = "on {0}", allowZeroInvocations = true)
@MethodSource("dev.accord.server.testing.ContainerPostgres#images")
class ContainerContractsTest {
  @Parameter String image;

  private PostgresSettings newDatabase(int poolSize) {
    return TestPostgres.newDatabase(ContainerPostgres.server(image), poolSize);
  }

  private static PostgresSettings withPool(PostgresSettings settings, int poolSize) {
    return new PostgresSettings(settings.jdbcUrl(), settings.user(), settings.password(), poolSize);
  }

  @Nested
  class Backends extends BackendContract {
    private PostgresSettings database;

    @Override
    protected Backend openBackend() {
      database = newDatabase(40);
      return PostgresBackend.open(database);
    }

    @Override
    protected HandleKey handleKey() {
      return ((PostgresBackend) backend).handleKey();
    }

    @Override
    protected Backend openOtherStore() {
      return PostgresBackend.open(newDatabase(4));
    }

    @Override
    protected Backend openReplica() {
      return PostgresBackend.open(withPool(database, 4));
    }
  }

  @Nested
  class Admin extends AdminContract {
    private PostgresSettings database;

    @Override
    protected Backend openBackend() {
      database = newDatabase(8);
      return PostgresBackend.open(database);
    }

    @Override
    protected Backend openOtherStore() {
      return PostgresBackend.open(newDatabase(4));
    }

    @Override
    protected Backend openReplica() {
      return PostgresBackend.open(withPool(database, 4));
    }
  }
}
