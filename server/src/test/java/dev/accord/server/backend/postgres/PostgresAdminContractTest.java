package dev.accord.server.backend.postgres;

import dev.accord.server.backend.AdminContract;
import dev.accord.server.backend.Backend;
import dev.accord.server.testing.TestPostgres;

class PostgresAdminContractTest extends AdminContract {
  private PostgresSettings database;

  @Override
  protected Backend openBackend() {
    database = TestPostgres.newDatabase(8);
    return PostgresBackend.open(database);
  }

  @Override
  protected Backend openOtherStore() {
    return PostgresBackend.open(TestPostgres.newDatabase(4));
  }

  @Override
  protected Backend openReplica() {
    return PostgresBackend.open(
        new PostgresSettings(database.jdbcUrl(), database.user(), database.password(), 4));
  }
}
