package dev.accord.ctl;

import dev.accord.api.admin.AdminGrpc;
import dev.accord.api.v1.V1Grpc;
import dev.accord.client.AccordClient;
import io.grpc.ManagedChannel;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one accordctl run works with: the server (from the client's environment variables, or {@code
 * --target}), the output streams and format, the terminal for confirmations, the clock.
 */
final class Session implements AutoCloseable {
  static final String DEFAULT_TARGET = "localhost:7475";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** The client settings that say how to reach and authenticate to the server. */
  private static final List<String> CONNECTION_VARIABLES =
      List.of(
          AccordClient.ENV_TLS_CA_FILE,
          AccordClient.ENV_TLS_CERT_FILE,
          AccordClient.ENV_TLS_KEY_FILE,
          AccordClient.ENV_TOKEN_FILE);

  private final Map<String, String> env;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Terminal terminal;
  private final Clock clock;
  private String targetOverride;
  private Duration timeout = DEFAULT_TIMEOUT;
  private Format format = Format.table;
  private ManagedChannel channel;

  Session(
      Map<String, String> env, PrintWriter out, PrintWriter err, Terminal terminal, Clock clock) {
    this.env = Map.copyOf(env);
    this.out = out;
    this.err = err;
    this.terminal = terminal;
    this.clock = clock;
  }

  void targetOverride(String target) {
    this.targetOverride = target;
  }

  void timeout(Duration timeout) {
    this.timeout = timeout;
  }

  void format(Format format) {
    this.format = format;
  }

  Format format() {
    return format;
  }

  PrintWriter out() {
    return out;
  }

  PrintWriter err() {
    return err;
  }

  Terminal terminal() {
    return terminal;
  }

  Clock clock() {
    return clock;
  }

  /** The server this run talks to: {@code --target}, else ACCORD_TARGET, else localhost:7475. */
  String target() {
    if (targetOverride != null) {
      return targetOverride;
    }
    String fromEnv = env.get(AccordClient.ENV_TARGET);
    return fromEnv == null || fromEnv.isBlank() ? DEFAULT_TARGET : fromEnv;
  }

  /** The Admin service, its call ending after the timeout. */
  AdminGrpc.AdminBlockingStub admin() {
    return AdminGrpc.newBlockingStub(channel())
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** V1 (List), its call ending after the timeout. */
  V1Grpc.V1BlockingStub v1() {
    return V1Grpc.newBlockingStub(channel())
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** V1 for a stream that runs until the user stops it (Watch). */
  V1Grpc.V1BlockingStub v1Unbounded() {
    return V1Grpc.newBlockingStub(channel());
  }

  private ManagedChannel channel() {
    if (channel == null) {
      channel = connect();
    }
    return channel;
  }

  /**
   * A channel configured exactly as the client library would be from these variables.
   *
   * @throws UsageError naming the variable or option that is malformed
   */
  private ManagedChannel connect() {
    Map<String, String> settings = new HashMap<>();
    for (String variable : CONNECTION_VARIABLES) {
      String value = env.get(variable);
      if (value != null) {
        settings.put(variable, value);
      }
    }
    // The override is applied after the variables, so an error about it names --target.
    settings.put(AccordClient.ENV_TARGET, targetOverride == null ? target() : DEFAULT_TARGET);
    try {
      AccordClient.Builder builder = AccordClient.builderFromEnvironment(settings);
      if (targetOverride != null) {
        builder.target(targetOverride);
      }
      return builder.buildChannel();
    } catch (IllegalArgumentException e) {
      throw new UsageError(e.getMessage().replaceFirst("^target ", "--target "));
    }
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    out.flush();
    err.flush();
  }
}
