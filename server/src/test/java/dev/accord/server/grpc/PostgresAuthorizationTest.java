package dev.accord.server.grpc;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.testing.TestPostgres;

class PostgresAuthorizationTest extends AuthorizationContract {
  @Override
  protected Backend openBackend() {
    return PostgresBackend.open(TestPostgres.newDatabase(8));
  }
}
