package dev.accord.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code demo} on the memory backend: the summary states its share of the ideal throughput. */
class DemoCommandTest {
  @Test
  void theSummaryStatesThePercentageOfIdeal() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    int exit =
        new CommandLine(new DemoCommand(out))
            .execute(
                "--backend", "memory", "--workers", "2", "--resources", "40", "--work-ms", "4");

    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(output).isZero();
    assertThat(output)
        .containsPattern(
            "(?m)^of ideal     \\d+\\.\\d % \\(ideal: 2 workers × 1000 ÷ 4 ms = 500 resources/s\\)$")
        .contains("Every resource processed exactly once.");
  }
}
