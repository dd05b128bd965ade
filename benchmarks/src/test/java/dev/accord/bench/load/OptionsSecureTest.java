package dev.accord.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --secure}: off unless given, recorded in results.json, refused where it cannot apply. */
class OptionsSecureTest {
  private static Options parse(CommandLine commandLine, String... args) {
    commandLine.parseArgs(args);
    return ((LoadGenerator) commandLine.getCommand()).options;
  }

  @Test
  void isOffByDefault() {
    CommandLine commandLine = LoadGenerator.commandLine();
    Options options = parse(commandLine);

    options.validate(commandLine);
    assertThat(options.secure).isFalse();
    assertThat(options.asMap()).containsEntry("secure", false);
  }

  @Test
  void isOnWithTheFlagAndRecorded() {
    CommandLine commandLine = LoadGenerator.commandLine();
    Options options = parse(commandLine, "--secure", "--modes", "server,direct");

    options.validate(commandLine);
    assertThat(options.secure).isTrue();
    assertThat(options.asMap()).containsEntry("secure", true);
  }

  @Test
  void isRefusedWithAServerTheRunDoesNotStart() {
    CommandLine commandLine = LoadGenerator.commandLine();
    Options options =
        parse(
            commandLine,
            "--secure",
            "--target",
            "127.0.0.1:7475",
            "--workloads",
            "a",
            "--modes",
            "server");

    assertThatThrownBy(() -> options.validate(commandLine))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--secure")
        .hasMessageContaining("--target");
  }

  @Test
  void isRefusedWithoutServerMode() {
    CommandLine commandLine = LoadGenerator.commandLine();
    Options options = parse(commandLine, "--secure", "--modes", "direct,pgbench");

    assertThatThrownBy(() -> options.validate(commandLine))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--secure")
        .hasMessageContaining("mode server");
  }
}
