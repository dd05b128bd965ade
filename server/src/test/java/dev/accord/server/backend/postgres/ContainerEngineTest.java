package dev.accord.server.backend.postgres;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.accord.server.testing.ContainerPostgres;
import org.junit.jupiter.api.Test;

/**
 * Says in the test report whether the PostgreSQL container suites ran: when no engine answers, this
 * one test is skipped with the reason, where the disabled suites would only count zero.
 */
class ContainerEngineTest {
  @Test
  void theContractsAlsoRunOnPostgresContainers() {
    assumeTrue(ContainerPostgres.engineAnswers(), ContainerPostgres.SKIPPED);
  }
}
