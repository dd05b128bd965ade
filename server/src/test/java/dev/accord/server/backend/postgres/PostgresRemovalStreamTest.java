package dev.accord.server.backend.postgres;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.RemovalStreamContract;
import dev.accord.server.testing.TestPostgres;

class PostgresRemovalStreamTest extends RemovalStreamContract {
  @Override
  protected Backend openBackend() {
    return PostgresBackend.open(TestPostgres.newDatabase(4));
  }

  @Override
  protected Backend openOtherStore() {
    return PostgresBackend.open(TestPostgres.newDatabase(4));
  }
}
