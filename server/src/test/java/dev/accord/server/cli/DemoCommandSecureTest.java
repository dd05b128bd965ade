package dev.accord.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code demo --secure} end to end on its default backend (a fresh embedded PostgreSQL): the
 * workers reach the server over TLS with the run's CA and their token, and the server refuses a TLS
 * client that sends no token; it prints the progress page's address and where its token is.
 */
class DemoCommandSecureTest {
  @Test
  void aSecureDemoProcessesEveryResourceAndRefusesACallWithoutTheToken() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    int exit =
        new CommandLine(new DemoCommand(out))
            .execute("--secure", "--workers", "2", "--resources", "40", "--work-ms", "0");

    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(output).isZero();
    assertThat(output)
        .contains(
            "Security on: TLS (a CA made for this run), a bearer token for user demo-worker, "
                + "worker on namespace demo; a call without the token: UNAUTHENTICATED")
        .containsPattern(
            "Progress: http://127\\.0\\.0\\.1:\\d+/ \\(sign in with the token in \\S+token\\)")
        .contains("processed    40")
        .contains("Every resource processed exactly once.");
  }
}
