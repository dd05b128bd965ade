package dev.accord.ctl;

import dev.accord.client.Durations;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code accordctl}: see and manage Accord namespaces, for people and scripts. */
@Command(
    name = "accordctl",
    // Help, version and the footer for every subcommand too.
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = AccordCtl.Version.class,
    description = "See and manage Accord namespaces: counts, resources, leases, reruns, retention.",
    subcommands = {
      NamespacesCommand.class,
      StatsCommand.class,
      ExpectCommand.class,
      ListCommand.class,
      GetCommand.class,
      ReleaseCommand.class,
      ResetCommand.class,
      DeleteCommand.class,
      WatchCommand.class
    },
    footer = {
      "",
      "The server and credentials come from the client's environment: ACCORD_TARGET (default "
          + Session.DEFAULT_TARGET
          + "; https://HOST:PORT for TLS), ACCORD_TLS_CA_FILE, ACCORD_TLS_CERT_FILE and"
          + " ACCORD_TLS_KEY_FILE, ACCORD_TOKEN_FILE.",
      "Exit codes: 0 done, 1 refused or failed (the message says why), 2 bad usage."
    })
public final class AccordCtl implements Callable<Integer> {
  private final Session session;

  @Spec CommandSpec spec;

  AccordCtl(Session session) {
    this.session = session;
  }

  @Option(
      names = "--target",
      scope = ScopeType.INHERIT,
      paramLabel = "TARGET",
      description = "The server, as a gRPC target (default: ACCORD_TARGET, else localhost:7475).")
  void target(String target) {
    session.targetOverride(target);
  }

  @Option(
      names = {"-o", "--output"},
      scope = ScopeType.INHERIT,
      paramLabel = "FORMAT",
      description = "table (default) or json.")
  void output(Format format) {
    session.format(format);
  }

  @Option(
      names = "--timeout",
      scope = ScopeType.INHERIT,
      paramLabel = "DURATION",
      description = "How long a call may take, like 30s or 2m (default 30s; watch has none).")
  void timeout(String value) {
    Duration timeout;
    try {
      timeout = Durations.parse("--timeout", value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (timeout.isZero()) {
      throw new ParameterException(spec.commandLine(), "--timeout must be more than 0");
    }
    session.timeout(timeout);
  }

  Session session() {
    return session;
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8));
    System.exit(run(args, System.getenv(), out, err, Terminal.system(), Clock.systemUTC()));
  }

  /** Runs one command line; returns its exit code. */
  static int run(
      String[] args,
      Map<String, String> env,
      PrintWriter out,
      PrintWriter err,
      Terminal terminal,
      Clock clock) {
    try (Session session = new Session(env, out, err, terminal, clock)) {
      Failures failures = new Failures(session);
      return new CommandLine(new AccordCtl(session))
          .setOut(out)
          .setErr(err)
          .setCaseInsensitiveEnumValuesAllowed(true)
          .setParameterExceptionHandler(failures)
          .setExecutionExceptionHandler(failures)
          .execute(args);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = AccordCtl.class.getPackage().getImplementationVersion();
      return new String[] {"accordctl " + (version == null ? "(development build)" : version)};
    }
  }
}
