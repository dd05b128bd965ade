package dev.accord.server.backend.postgres;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.BackendContract;
import dev.accord.server.backend.HandleKey;
import dev.accord.server.testing.TestPostgres;

class PostgresBackendContractTest extends BackendContract {
  private PostgresSettings database;

  @Override
  protected Backend openBackend() {
    database = TestPostgres.newDatabase(40);
    return PostgresBackend.open(database);
  }

  @Override
  protected HandleKey handleKey() {
    return ((PostgresBackend) backend).handleKey();
  }

  @Override
  protected Backend openOtherStore() {
    return PostgresBackend.open(TestPostgres.newDatabase(4));
  }

  @Override
  protected Backend openReplica() {
    return PostgresBackend.open(smallPool(database));
  }

  /** A replica's pool: the contract's store already holds a large one on the same server. */
  private static PostgresSettings smallPool(PostgresSettings settings) {
    return new PostgresSettings(settings.jdbcUrl(), settings.user(), settings.password(), 4);
  }
}
