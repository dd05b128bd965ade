package dev.accord.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A bad ACCORD_HTTP_LISTEN stops the server before it starts, with exit code 2 naming it. */
class ServerMainHttpListenTest {
  @Test
  void aBadHttpListenIsAUsageErrorNamingTheVariable() {
    StringWriter err = new StringWriter();
    int exit =
        AccordServerMain.commandLine()
            .setErr(new PrintWriter(err))
            .execute(
                "--backend", "memory", "--listen", "127.0.0.1:0", "--http-listen", "everywhere");

    assertThat(exit).as(err.toString()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString())
        .contains("ACCORD_HTTP_LISTEN (--http-listen) must be [HOST]:PORT")
        .contains("or off")
        .contains("\"everywhere\"");
  }
}
