package dev.accord.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.chaos.Call.Op;
import dev.accord.chaos.Call.Outcome;
import dev.accord.chaos.Nemesis.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short seeded run: two server processes on one PostgreSQL, kill -9, a database crash and
 * SIGSTOP, workers that come back late with stale handles; then every guarantee checked over the
 * history. A new seed each build (printed, and in every failure message); -Dchaos.seed=N replays a
 * schedule.
 */
class ChaosIT {
  private static final Duration LENGTH = Duration.ofSeconds(30);

  @TempDir Path workDir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  @DisplayName(
      "under kill -9, database crashes and SIGSTOP, every guarantee holds over the history")
  void guaranteesHoldUnderFaults() throws Exception {
    long seed = Long.getLong("chaos.seed", ThreadLocalRandom.current().nextLong());
    String jar = System.getProperty("accord.server.jar");
    assertThat(jar).as("accord.server.jar: run through failsafe (mvn verify)").isNotBlank();

    ChaosRun.Result result =
        ChaosRun.run(
            new ChaosRun.Settings(seed, LENGTH, 8, 5, Path.of(jar), workDir),
            line -> System.out.println("chaos: " + line));
    String report = result.report();
    System.out.println(report);

    assertThat(result.violations()).as(report).isEmpty();
    assertThat(result.workerFailures()).as(report).isEmpty();
    assertThat(result.faults().keySet()).as(report).containsExactlyInAnyOrder(Fault.values());
    assertThat(result.calls())
        .as("grants and acknowledged dones, or nothing was exercised; %s", report)
        .anyMatch(c -> c.op() == Op.ACQUIRE && c.isOk())
        .anyMatch(c -> c.op() == Op.DONE && c.isOk());
    assertThat(result.refusedHandles()).as("stale handles refused; %s", report).isPositive();
    assertThat(result.calls())
        .as("calls the faults left without an answer; %s", report)
        .anyMatch(c -> c.outcome() == Outcome.INDETERMINATE);
  }
}
