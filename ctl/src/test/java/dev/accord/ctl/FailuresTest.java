package dev.accord.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.api.admin.StatsRequest;
import io.grpc.Status;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exit codes and messages: 1 with the server's reason when it refuses or cannot be reached, 2 for
 * bad usage or settings; one line, never a stack trace. And where the target and token come from.
 */
class FailuresTest {
  FakeAccord server;
  Ctl ctl;

  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    server = new FakeAccord();
    ctl = new Ctl(server.target());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void aRefusalByTheServerExitsOneWithItsCodeAndReason() {
    server.failures.put(
        "Reset", Status.PERMISSION_DENIED.withDescription("the admin role is required"));

    Ctl.Result result = ctl.run("reset", "ns", "--all", "--yes");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("accordctl: PERMISSION_DENIED: the admin role is required\n");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void anUnknownResourceExitsOneWithNotFound() {
    server.failures.put("Get", Status.NOT_FOUND.withDescription("no resource ns/x"));

    Ctl.Result result = ctl.run("get", "ns", "x", "-o", "json");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("accordctl: NOT_FOUND: no resource ns/x\n");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void anUnreachableServerExitsOneNamingTheTarget() throws Exception {
    String deadTarget = server.target();
    server.close();

    Ctl.Result result = ctl.run("stats", "ns");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("accordctl: UNAVAILABLE: cannot reach " + deadTarget);
    assertThat(result.err().lines()).hasSize(1);
    assertThat(result.err()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void anUnavailableAnswerFromTheServerIsNotCalledUnreachable() {
    server.failures.put("Stats", Status.UNAVAILABLE.withDescription("database unavailable"));

    Ctl.Result result = ctl.run("stats", "ns");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("accordctl: UNAVAILABLE: " + server.target() + ": database unavailable\n");
  }

  @Test
  void aServerWithoutTheAdminServiceIsNamedAsSuch() {
    server.failures.put(
        "Stats",
        Status.UNIMPLEMENTED.withDescription("Method not found: accord.admin.v1.Admin/Stats"));

    Ctl.Result result = ctl.run("stats", "ns");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "accordctl: UNIMPLEMENTED: the server at "
                + server.target()
                + " does not offer this operation (a server older than accordctl?)"
                + " (Method not found: accord.admin.v1.Admin/Stats)\n");
  }

  @Test
  void badUsageExitsTwoWithPicocliMessageAndAPointerToHelp() {
    Ctl.Result noCommand = ctl.run();
    Ctl.Result unknownCommand = ctl.run("purge", "ns");
    Ctl.Result unknownOption = ctl.run("stats", "ns", "--verbose");
    Ctl.Result missingNamespace = ctl.run("stats");
    Ctl.Result badTimeout = ctl.run("--timeout", "soon", "stats", "ns");

    assertThat(noCommand.exitCode()).isEqualTo(2);
    assertThat(noCommand.err())
        .isEqualTo("accordctl: a command is required\nTry 'accordctl --help'.\n");
    assertThat(unknownCommand.exitCode()).isEqualTo(2);
    assertThat(unknownCommand.err()).contains("Unmatched arguments from index 0: 'purge', 'ns'");
    assertThat(unknownOption.exitCode()).isEqualTo(2);
    assertThat(unknownOption.err())
        .contains("Unknown option: '--verbose'")
        .endsWith("Try 'accordctl stats --help'.\n");
    assertThat(missingNamespace.exitCode()).isEqualTo(2);
    assertThat(missingNamespace.err()).contains("Missing required parameter: 'NAMESPACE'");
    assertThat(badTimeout.exitCode()).isEqualTo(2);
    assertThat(badTimeout.err()).contains("--timeout must be a duration like 90s");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void helpAndVersionExitZero() {
    Ctl.Result help = ctl.run("list", "--help");
    Ctl.Result version = ctl.run("--version");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).startsWith("Usage: accordctl list").contains("--failed");
    assertThat(version.exitCode()).isZero();
    assertThat(version.out()).startsWith("accordctl ");
  }

  @Test
  void aMalformedTargetIsAUsageErrorNamingWhereItCameFrom() {
    ctl.env.put("ACCORD_TARGET", "http://accord:7475");
    Ctl.Result fromEnv = ctl.run("stats", "ns");
    Ctl.Result fromOption = ctl.run("stats", "ns", "--target", "accord");

    assertThat(fromEnv.exitCode()).isEqualTo(2);
    assertThat(fromEnv.err()).startsWith("accordctl: ACCORD_TARGET must be a gRPC target");
    assertThat(fromOption.exitCode()).isEqualTo(2);
    assertThat(fromOption.err())
        .startsWith("accordctl: --target must be a gRPC target")
        .contains("(the port is missing)");
  }

  @Test
  void targetOverridesTheEnvironment() throws Exception {
    ctl.env.put("ACCORD_TARGET", "http://not-even-valid");

    Ctl.Result result = ctl.run("stats", "ns", "--target", server.target());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.requests(StatsRequest.class)).hasSize(1);
  }

  @Test
  void withoutTargetOrVariableTheTargetIsLocalhost7475() {
    StringWriter sink = new StringWriter();
    try (Session session =
        new Session(
            Map.of(), new PrintWriter(sink), new PrintWriter(sink), null, Clock.systemUTC())) {
      assertThat(session.target()).isEqualTo("localhost:7475");
    }
  }

  @Test
  void theTokenFileIsSentAsABearerTokenWithEveryCall() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "s3cret\n");
    ctl.env.put("ACCORD_TOKEN_FILE", token.toString());

    assertThat(ctl.run("stats", "ns").exitCode()).isZero();
    assertThat(ctl.run("list", "ns").exitCode()).isZero();

    assertThat(server.authorizations).containsExactly("Bearer s3cret", "Bearer s3cret");
  }

  @Test
  void withoutATokenFileNoAuthorizationIsSent() {
    assertThat(ctl.run("stats", "ns").exitCode()).isZero();

    assertThat(server.authorizations).containsExactly("none");
  }

  @Test
  void anUnreadableTokenFileIsAUsageErrorNamingTheVariable() {
    ctl.env.put("ACCORD_TOKEN_FILE", dir.resolve("missing").toString());

    Ctl.Result result = ctl.run("stats", "ns");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .startsWith("accordctl: ACCORD_TOKEN_FILE names a token file that cannot be used");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void anUnreadableCaFileIsAUsageErrorNamingTheVariable() {
    ctl.env.put("ACCORD_TLS_CA_FILE", dir.resolve("ca.crt").toString());

    Ctl.Result result = ctl.run("stats", "ns");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).startsWith("accordctl: ACCORD_TLS_CA_FILE: cannot read");
  }
}
