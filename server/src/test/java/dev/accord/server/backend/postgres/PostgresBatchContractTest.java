package dev.accord.server.backend.postgres;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.BackendContract;
import dev.accord.server.testing.TestPostgres;

/**
 * The whole backend contract through the batch statements: even a lone acquire or done runs as a
 * batch of one, and the racing cases make real batches of many.
 */
class PostgresBatchContractTest extends BackendContract {
  @Override
  protected Backend openBackend() {
    return PostgresBackend.open(
        TestPostgres.newDatabase(40), "PostgreSQL (batch statements only)", () -> {}, 1);
  }
}
