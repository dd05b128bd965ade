package dev.accord.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.server.AccordServer;
import dev.accord.server.backend.memory.MemoryBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Tiny runs of the by-hand tools {@link Abuse} and {@link Soak} against a server on a loopback port
 * in this JVM (the memory backend: the tools are under test here, not the server's storage). They
 * prove the tools run and report, not any figure: no timing or memory figure is asserted.
 */
class AbuseAndSoakSmokeTest {
  private static AccordServer server;
  private static String target;

  @BeforeAll
  static void startServer() throws Exception {
    server =
        AccordServer.start(
            AccordServer.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
            new MemoryBackend(),
            4,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1));
    target = "127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stopServer() {
    server.shutdown();
  }

  @Test
  void abuseRefusesTheOversizedAcquiresAndThenTimesANormalOne() {
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    int exit =
        new CommandLine(new Abuse(new PrintStream(report, true, StandardCharsets.UTF_8)))
            .execute(
                "--target", target,
                "--pid", Long.toString(ProcessHandle.current().pid()),
                "--connections", "4",
                "--streams", "4",
                "--big", "2",
                "--big-mib", "2",
                "--seed-dones", "20",
                "--hold-seconds", "0",
                "--settle-seconds", "0");

    String text = report.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(text).isZero();
    assertThat(text)
        .contains("4 of 4 connections ready")
        .contains("2 Acquires of 2 MiB answered in")
        .contains("{RESOURCE_EXHAUSTED=2}")
        .contains("first (new connection) OK")
        .contains("next 10: {OK=10}")
        .containsPattern("\\| peak \\(1 s samples\\) \\| \\d+ \\|");
  }

  @Test
  void soakPrintsALinePerIntervalAndTheSlope() {
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    int exit =
        new CommandLine(new Soak(new PrintStream(report, true, StandardCharsets.UTF_8)))
            .execute(
                "--target", target,
                "--metrics", "off",
                "--minutes", "2",
                "--interval-seconds", "1",
                "--leases", "20",
                "--ttl", "30",
                "--rate", "20",
                "--clients", "2");

    String text = report.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(text).isZero();
    assertThat(text)
        .contains("# 20 leases open in")
        .contains("(0 not granted)")
        .containsPattern("\\| 1 \\| [\\d.]+ \\| - \\| - \\| - \\| - \\| 2 \\| 20 \\|")
        .containsPattern("\\| 2 \\| [\\d.]+ \\| - \\| - \\| - \\| - \\| 2 \\| 20 \\|")
        .contains("| figure | first 2 | last 2 | change |");
  }
}
