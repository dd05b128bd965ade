package dev.accord.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.accord.chaos.Call.Op;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL failover with a real primary and standby in containers (skipped, saying why, when no
 * container engine answers). The asynchronous case, which shows what is lost, runs with {@code
 * -Dfailover.async=true}. By hand, longer and with more workers: {@code -Dfailover.workers=32
 * -Dfailover.before=20 -Dfailover.after=20} (seconds), {@code -Dfailover.image=postgres:17}, {@code
 * -Dfailover.seed=N}.
 */
class FailoverIT {
  static final String SKIPPED =
      "no container engine answers (DOCKER_HOST or /var/run/docker.sock):"
          + " the PostgreSQL failover tests need a primary and a standby in containers";

  @TempDir Path workDir;

  @BeforeAll
  static void needsAnEngine() {
    assumeTrue(ReplicatedPostgres.engineAnswers(), SKIPPED);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  @DisplayName(
      "synchronous replication: the server follows the promoted standby, nothing acknowledged is"
          + " lost, Watch resumes from its cursor")
  void synchronousFailoverLosesNothing() throws Exception {
    long seed = Long.getLong("failover.seed", ThreadLocalRandom.current().nextLong());
    FailoverRun.Result result =
        FailoverRun.run(
            new FailoverRun.Settings(
                image(),
                seed,
                Integer.getInteger("failover.workers", 6),
                Integer.getInteger("failover.names", 4),
                Duration.ofSeconds(Long.getLong("failover.before", 4)),
                Duration.ofSeconds(Long.getLong("failover.after", 3)),
                serverJar(),
                workDir),
            line -> System.out.println("failover: " + line));
    String report = "seed " + seed + ", work directory " + workDir + "\n" + result.report();
    System.out.println(report);

    assertThat(result.violations()).as(report).isEmpty();
    assertThat(result.workerFailures()).as(report).isEmpty();
    assertThat(result.storeAfter()).as(report).isEqualTo(result.storeBefore());
    assertThat(result.watchRefused()).as(report).isNull();
    assertThat(result.unwatched()).as(report).isEmpty();
    assertThat(result.watchReconnects())
        .as("the stream broke with the primary; " + report)
        .isPositive();
    assertThat(result.calls())
        .as("grants and dones on both sides of the kill; %s", report)
        .anyMatch(c -> c.op() == Op.DONE && c.isOk() && c.completedAt() < result.killedAt())
        .anyMatch(c -> c.op() == Op.DONE && c.isOk() && c.invokedAt() > result.followedAt());
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  @DisplayName(
      "asynchronous replication: what the primary acknowledged alone is lost with it, and the"
          + " server says so to no one")
  void asynchronousFailoverLosesWhatTheStandbyLacked() throws Exception {
    assumeTrue(
        Boolean.getBoolean("failover.async"),
        "the asynchronous case runs with -Dfailover.async=true: both cases together take over a"
            + " minute of the test command; the synchronous one runs always");
    AsyncLossRun.Result result =
        AsyncLossRun.run(
            image(), serverJar(), workDir, line -> System.out.println("failover: " + line));
    String report = "work directory " + workDir + "\n" + result.report();
    System.out.println(report);

    assertThat(result.storeAfter()).as(report).isEqualTo(result.storeBefore());
    assertThat(result.answers())
        .as(report)
        .containsEntry("acquire kept-done (done, replicated)", "DONE")
        .containsEntry("acquire lost-done-0 (done acknowledged, not replicated)", "OK token 1")
        .containsEntry(
            "acquire kept-lease by another worker (granted replicated, its done not)", "HELD");
    assertThat(result.answers().entrySet())
        .as("the lost grant's token given again to another holder; %s", report)
        .anyMatch(
            e -> e.getKey().startsWith("acquire lost-lease") && e.getValue().equals("OK token 1"));
    assertThat(result.violations())
        .as("the checker sees the losses; %s", report)
        .extracting(v -> v.rule() + " " + v.resource())
        .contains(
            "LOST failover/lost-done-0",
            "GRANTED_AFTER_DONE failover/lost-done-0",
            "GRANTED_AFTER_DONE failover/kept-lease",
            "OVERLAP failover/lost-lease",
            "TOKEN_ORDER failover/lost-lease");
    assertThat(result.watchedButNotDone()).as(report).contains("lost-done-0");
    assertThat(result.watchRefused())
        .as("a cursor of the lost history is refused, so the client lists again; %s", report)
        .contains("ahead of this database");
  }

  /** The image to run: -Dfailover.image, else the last of ACCORD_TEST_POSTGRES_IMAGES. */
  static String image() {
    String chosen = System.getProperty("failover.image");
    if (chosen != null && !chosen.isBlank()) {
      return chosen;
    }
    String images = System.getenv().getOrDefault("ACCORD_TEST_POSTGRES_IMAGES", "");
    List<String> named =
        Arrays.stream(images.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    return named.isEmpty() ? "postgres:17" : named.get(named.size() - 1);
  }

  static Path serverJar() {
    String jar = System.getProperty("accord.server.jar");
    assertThat(jar).as("accord.server.jar: run through failsafe (mvn verify)").isNotBlank();
    return Path.of(jar);
  }
}
