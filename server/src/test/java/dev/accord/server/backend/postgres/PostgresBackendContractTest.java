package dev.accord.server.backend.postgres;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.BackendContract;
import dev.accord.server.testing.TestPostgres;

class PostgresBackendContractTest extends BackendContract {
  @Override
  protected Backend openBackend() {
    return PostgresBackend.open(TestPostgres.newDatabase(40));
  }
}
