package dev.accord.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad TLS and reflection settings stop the process with a usage error (exit 2) naming them. */
class ServerMainTlsFlagsTest {
  @TempDir Path dir;

  @Test
  void badTlsFilesAreAUsageErrorNamingTheVariable() throws Exception {
    Path garbage = Files.writeString(dir.resolve("tls.crt"), "garbage");

    assertUsageError("ACCORD_TLS_KEY_FILE", "--tls-cert-file", garbage.toString());
    assertUsageError(
        "ACCORD_TLS_CERT_FILE",
        "--tls-cert-file",
        garbage.toString(),
        "--tls-key-file",
        garbage.toString());
    assertUsageError(
        "ACCORD_TLS_CLIENT_CA_FILE", "--tls-client-ca-file", dir.resolve("ca.crt").toString());
  }

  @Test
  void reflectionIsOnOrOff() throws Exception {
    assertThat(ServerConfig.parseReflection("on")).isTrue();
    assertThat(ServerConfig.parseReflection("OFF")).isFalse();
    assertThatThrownBy(() -> ServerConfig.parseReflection("maybe"))
        .hasMessageContaining("ACCORD_REFLECTION")
        .hasMessageContaining("on or off");
    assertUsageError("ACCORD_REFLECTION", "--reflection", "maybe");
  }

  private static void assertUsageError(String variable, String... args) {
    StringWriter err = new StringWriter();
    int exit =
        AccordServerMain.commandLine()
            .setErr(new PrintWriter(err))
            .execute(concat(new String[] {"--backend", "memory", "--listen", "127.0.0.1:0"}, args));

    assertThat(exit).as(err.toString()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains(variable);
  }

  private static String[] concat(String[] first, String[] second) {
    String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }
}
