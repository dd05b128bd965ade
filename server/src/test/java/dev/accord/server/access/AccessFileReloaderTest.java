package dev.accord.server.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.accord.server.security.Caller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The access file followed while the server runs: good changes apply, bad ones are reported. */
class AccessFileReloaderTest {
  private static final Duration QUICKLY = Duration.ofMillis(50);
  private static final Caller ALICE = new Caller("alice", Set.of());

  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(AccessFileReloader.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(logs);
  }

  private static String rule(String namespace, String role) {
    return "rules: [{principals: [alice], namespaces: [" + namespace + "], role: " + role + "}]\n";
  }

  private long errors() {
    return logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).count();
  }

  @Test
  void aChangedFileIsAppliedAndABadOneKeepsTheLastGoodRulesWithAnError() throws Exception {
    Path file = dir.resolve("access.yaml");
    Files.writeString(file, rule("a", "worker"));

    try (AccessFileReloader reloader = AccessFileReloader.start(file, QUICKLY)) {
      AccessPolicy policy = reloader.policy();
      assertThat(policy.allows(ALICE, "a", AccessRole.WORKER)).isTrue();

      Files.writeString(file, rule("b", "reader"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> policy.allows(ALICE, "b", AccessRole.READER));
      assertThat(policy.allows(ALICE, "a", AccessRole.READER)).isFalse();

      Files.writeString(file, rule("c", "owner"));
      await().atMost(Duration.ofSeconds(10)).until(() -> errors() == 1);
      assertThat(logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).findFirst().get())
          .extracting(ILoggingEvent::getFormattedMessage)
          .asString()
          .contains(file.toString(), "rules[0].role", "keeping the last good access rules");
      assertThat(policy.allows(ALICE, "b", AccessRole.READER)).isTrue();

      Files.delete(file);
      await().atMost(Duration.ofSeconds(10)).until(() -> errors() == 2);
      assertThat(policy.allows(ALICE, "b", AccessRole.READER)).isTrue();

      Files.writeString(file, rule("d", "admin"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> policy.allows(ALICE, "d", AccessRole.ADMIN));
      assertThat(errors()).as("each bad state is reported once").isEqualTo(2);
    }
  }

  @Test
  void aBadFileAtStartIsRefusedNamingTheFileAndTheField() throws Exception {
    Path file = dir.resolve("access.yaml");
    Files.writeString(file, rule("a*b", "worker"));

    assertThatThrownBy(() -> AccessFileReloader.start(file, QUICKLY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("rules[0].namespaces[0]");
    assertThatThrownBy(() -> AccessFileReloader.start(dir.resolve("missing.yaml"), QUICKLY))
        .hasMessageContaining("ACCORD_ACCESS_FILE")
        .hasMessageContaining("missing.yaml");
  }
}
